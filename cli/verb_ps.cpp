#include "report/json_report.h"
#include "report/text_report.h"
#include "verbs.h"

namespace panicscope::cli {

int runPs(model::Session& session, const Options& options, std::ostream& out, std::ostream& err) {
    auto tasks = session.tasks();
    if (!tasks) return reportError(err, tasks.error());
    if (options.json) {
        out << report::psJson(**tasks).dump(2) << '\n';
        return 0;
    }
    auto task = session.crashingTask();
    std::optional<uint64_t> crashing;
    if (task && *task) crashing = (*task)->address;
    report::printTasks(out, **tasks, crashing);
    return 0;
}

} // namespace panicscope::cli
