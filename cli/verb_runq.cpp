#include "json_document.h"
#include "report/json_report.h"
#include "report/json_text.h"
#include "report/runq_report.h"
#include "verbs.h"

namespace panicscope::cli {

namespace {

int runRunq(const model::Session& session, const Options& options, std::ostream& out,
            std::ostream& err) {
    auto queues = session.runQueues();
    if (!queues) return reportError(err, queues.error());
    if (options.json)
        out << jsonDocument(session, report::runqJson(*queues)) << '\n';
    else
        report::printRunQueues(out, *queues);
    for (const auto& w : queues->warnings)
        if (!options.json) err << "panicscope: warning: " << w.text << '\n';
    return 0;
}

} // namespace

Verb runqVerb() {
    return {
        "runq",
        "DUMP",
        "each CPU's run queue: the current task, the RT and CFS queued tasks with their priority",
        {},
        0,
        0,
        runRunq};
}

} // namespace panicscope::cli
