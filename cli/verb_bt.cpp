#include "report/json_report.h"
#include "report/text_report.h"
#include "util/hex.h"
#include "util/ordered_writer.h"
#include "verbs.h"

#include <sstream>

namespace panicscope::cli {

namespace {

// Which tasks: the given pids, every CPU's current task (-a), every task (--all), or by default
// the crashing task.
Result<model::TaskSelection> selection(const Options& options) {
    model::TaskSelection s;
    if (options.has("--all")) {
        s.kind = model::TaskSelection::Kind::All;
    } else if (options.has("-a")) {
        s.kind = model::TaskSelection::Kind::CpuCurrent;
    } else if (!options.args.empty()) {
        s.kind = model::TaskSelection::Kind::Pids;
        for (const auto& arg : options.args) {
            auto pid = parseDecimal(arg);
            if (!pid || *pid > INT32_MAX) return fail(Errc::Usage, "'" + arg + "' is not a pid");
            s.pids.push_back(static_cast<int32_t>(*pid));
        }
    }
    return s;
}

int runBt(const model::Session& session, const Options& options, std::ostream& out,
          std::ostream& err) {
    auto chosen = selection(options);
    if (!chosen) return reportError(err, chosen.error());
    auto tasks = session.selectTasks(*chosen);
    if (!tasks) return reportError(err, tasks.error());
    const bool lines = options.has("-l") || options.json;
    // Traces are made and formatted on every core, and printed in the order of the tasks.
    std::optional<report::StreamedJsonArray> json;
    if (options.json) json.emplace(out, "tasks");
    OrderedWriter<std::string> writer([&](size_t index, std::string& text) {
        if (json)
            json->addText(text);
        else
            out << (index ? "\n" : "") << text;
    });
    auto done = session.backtraces(
        *tasks, {lines}, [&](size_t index, const model::TaskRow& task, unwind::StackTrace trace) {
            if (options.json) {
                writer.put(index, report::StreamedJsonArray::elementText(
                                      report::taskBacktraceJson(task, trace)));
                return;
            }
            std::ostringstream text;
            report::printBacktrace(text, task, trace, lines);
            writer.put(index, text.str());
        });
    if (!done) return reportError(err, done.error());
    if (json) json->finish();
    // After the traces: the walks find which modules' .ko files are missing or of another build.
    for (const auto& warning : session.backtraceWarnings())
        err << "panicscope: warning: " << warning.text << '\n';
    return 0;
}

} // namespace

Verb btVerb() {
    Verb verb{"bt",
              "[PID...] DUMP",
              "kernel stacks: the crashing task's, each CPU's current task's (-a), every task's "
              "(--all) or the given pids'",
              {
                  {"-a", nullptr, "the current task of every CPU"},
                  {"--all", nullptr, "every task"},
                  {"-l", nullptr, "file:line for every frame, with inlined calls"},
              },
              0,
              1u << 20,
              runBt};
    verb.unwinds = true;
    return verb;
}

} // namespace panicscope::cli
