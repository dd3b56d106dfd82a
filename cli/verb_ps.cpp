#include "report/json_report.h"
#include "report/text_report.h"
#include "verbs.h"

namespace panicscope::cli {

int runPs(const model::Session& session, const Options& options, std::ostream& out,
          std::ostream& err) {
    auto tasks = session.tasks();
    if (!tasks) return reportError(err, tasks.error());
    if (options.json)
        out << report::psJson(*tasks).dump(2) << '\n';
    else
        report::printTasks(out, *tasks);
    return 0;
}

} // namespace panicscope::cli
