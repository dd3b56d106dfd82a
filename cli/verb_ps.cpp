#include "report/json_report.h"
#include "report/json_text.h"
#include "report/text_report.h"
#include "verbs.h"

namespace panicscope::cli {

namespace {

int runPs(const model::Session& session, const Options& options, std::ostream& out,
          std::ostream& err) {
    auto tasks = session.tasks();
    if (!tasks) return reportError(err, tasks.error());
    if (options.json)
        out << report::jsonText(report::psJson(*tasks)) << '\n';
    else
        report::printTasks(out, *tasks);
    return 0;
}

} // namespace

Verb psVerb() {
    return {"ps", "DUMP", "every process and thread ('>' on a CPU, '*' the crashing task)", {}, 0,
            0,    runPs};
}

} // namespace panicscope::cli
