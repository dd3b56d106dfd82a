#include "report/json_report.h"
#include "report/text_report.h"
#include "util/hex.h"
#include "verbs.h"

namespace panicscope::cli {

namespace {

// Which tasks: the given pids, every CPU's current task (-a), every task (--all), or by default
// the crashing task.
Result<std::vector<const kernel::Task*>> chooseTasks(model::Session& session,
                                                     const Options& options) {
    auto list = session.tasks();
    if (!list) return tl::unexpected(list.error());
    const auto& tasks = (*list)->tasks;
    std::vector<const kernel::Task*> chosen;
    if (options.allTasks) {
        for (const auto& t : tasks)
            chosen.push_back(&t);
    } else if (options.activeTasks) {
        for (const auto& t : tasks)
            if (t.onCpu) chosen.push_back(&t);
    } else if (!options.args.empty()) {
        for (const auto& arg : options.args) {
            auto pid = parseDecimal(arg);
            if (!pid) return fail(Errc::Usage, "'" + arg + "' is not a pid");
            size_t before = chosen.size();
            for (const auto& t : tasks)
                if (static_cast<uint64_t>(t.pid) == *pid) chosen.push_back(&t);
            if (chosen.size() == before) return fail(Errc::Usage, "no task with pid " + arg);
        }
    } else {
        auto crashing = session.crashingTask();
        if (!crashing) return tl::unexpected(crashing.error());
        if (!*crashing)
            return fail(Errc::Usage, "the crashing task is unknown; name a pid, or use -a");
        for (const auto& t : tasks)
            if (t.address == (*crashing)->address) chosen.push_back(&t);
    }
    return chosen;
}

} // namespace

int runBt(model::Session& session, const Options& options, std::ostream& out, std::ostream& err) {
    auto tasks = chooseTasks(session, options);
    if (!tasks) return reportError(err, tasks.error());
    auto backtracer = session.backtracer();
    if (!backtracer) return reportError(err, backtracer.error());
    const bool lines = options.lines || options.json;
    if (options.json) {
        report::StreamedJsonArray all(out, "tasks");
        for (const auto* t : *tasks)
            all.add(report::taskBacktraceJson(*t, (*backtracer)->backtrace(*t, lines)));
        all.finish();
    } else {
        for (size_t i = 0; i < tasks->size(); ++i) {
            if (i) out << '\n';
            const auto* t = (*tasks)[i];
            report::printBacktrace(out, *t, (*backtracer)->backtrace(*t, lines), lines);
        }
    }
    // After the traces: the walks find which modules' .ko files are missing or of another build.
    for (const auto& warning : (*backtracer)->warnings())
        err << "panicscope: warning: " << warning << '\n';
    return 0;
}

} // namespace panicscope::cli
