#include "address_arg.h"
#include "json_document.h"
#include "report/frame_words.h"
#include "report/json_report.h"
#include "report/json_text.h"
#include "report/memory_report.h"
#include "report/printed_frames.h"
#include "report/stack_groups.h"
#include "report/text_report.h"
#include "util/hex.h"
#include "util/ordered_writer.h"
#include "verbs.h"

#include "model/task_selection.h"

#include <sstream>

namespace panicscope::cli {

namespace {

// Which tasks: the given pids, every CPU's current task (-a), every task (--all), or by default
// the crashing task.
Result<model::TaskSelection> selection(const Options& options) {
    model::TaskSelection s;
    const bool filtered = options.has("--state") || options.has("--comm") || options.has("--group");
    if (options.has("--all") ||
        (filtered && !options.has("-a") && !options.has("-c") && options.args.empty())) {
        s.kind = model::TaskSelection::Kind::All;
    } else if (options.has("-a") || options.has("-c")) {
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

// -c CPU, --state S, --comm NAME: keep the selected tasks that match (each option repeatable).
Result<void> filterTasks(const Options& options, std::vector<model::TaskRow>& tasks) {
    std::vector<uint64_t> cpus;
    for (const auto& text : options.values("-c")) {
        auto cpu = parseDecimal(text);
        if (!cpu) return fail(Errc::Usage, "bt -c: '" + text + "' is not a CPU number");
        cpus.push_back(*cpu);
    }
    std::string states;
    for (const auto& text : options.values("--state")) {
        if (text.size() != 1 || std::string_view("RSDTtXZPI").find(text[0]) == std::string::npos)
            return fail(Errc::Usage, "bt --state: '" + text + "' is not one of R S D T t X Z P I");
        states += text;
    }
    const auto comms = options.values("--comm");
    std::erase_if(tasks, [&](const model::TaskRow& t) {
        if (!cpus.empty() && (!t.onCpu || std::find(cpus.begin(), cpus.end(), t.cpu) == cpus.end()))
            return true;
        if (!states.empty() && states.find(t.state) == std::string::npos) return true;
        return !comms.empty() && std::find(comms.begin(), comms.end(), t.comm) == comms.end();
    });
    if (!cpus.empty() && tasks.empty())
        return fail(Errc::Usage, "bt -c: no such CPU, or no task current on it");
    return {};
}

// bt -f: each physical frame's stack words, read once per trace.
std::vector<std::optional<model::MemoryBlock>> frameWords(const model::Session& session,
                                                          const unwind::StackTrace& trace) {
    std::vector<std::optional<model::MemoryBlock>> blocks;
    for (const auto& range : report::frameWordRanges(trace)) {
        std::optional<model::MemoryBlock> block;
        if (range && range->second > range->first)
            if (auto read = session.readMemory(range->first, range->second - range->first))
                block = std::move(*read);
        blocks.push_back(std::move(block));
    }
    return blocks;
}

// bt -f --json: "stack_words" on each physical frame's object (inline frames have none).
void addFrameWordsJson(nlohmann::ordered_json& task, const unwind::StackTrace& trace,
                       const std::vector<std::optional<model::MemoryBlock>>& blocks,
                       const report::NameOf& nameOf) {
    size_t physical = 0;
    report::forEachPrintedFrame(trace, [&](size_t index, const report::PrintedFrame& p) {
        if (p.inlined) return;
        const auto& block = blocks[physical++];
        task["frames"][index]["stack_words"] =
            block ? report::memoryJson(*block, 8, false, nameOf)["words"]
                  : nlohmann::ordered_json::array();
    });
}

// What the JSON document's "warnings" lists: the run's (json_document.h) and the unwinder's.
nlohmann::ordered_json btWarnings(const model::Session& session) {
    std::vector<Diagnostic> all = runWarnings(session);
    for (auto& w : session.backtraceWarnings())
        all.push_back(std::move(w));
    return report::warningsJson(all);
}

// bt --group: every trace gathered, then each distinct stack once with its count and pids.
int printGroups(const model::Session& session, const Options& options,
                const std::vector<model::TaskRow>& tasks, bool lines, std::ostream& out,
                std::ostream& err) {
    report::StackGroups groups;
    auto done = session.backtraces(
        tasks, {lines}, [&](size_t index, const model::TaskRow& task, unwind::StackTrace trace) {
            groups.add(index, task, std::move(trace));
        });
    if (!done) return reportError(err, done.error());
    const auto all = groups.groups();
    if (options.json) {
        nlohmann::ordered_json doc;
        doc["groups"] = nlohmann::ordered_json::array();
        for (const auto& g : all)
            doc["groups"].push_back(report::stackGroupJson(g));
        doc["warnings"] = btWarnings(session);
        out << report::jsonText(doc) << '\n';
    } else {
        for (size_t i = 0; i < all.size(); ++i) {
            if (i) out << '\n';
            report::printStackGroup(out, all[i], lines);
        }
    }
    for (const auto& warning : session.backtraceWarnings())
        err << "panicscope: warning: " << warning.text << '\n';
    return 0;
}

int runBt(const model::Session& session, const Options& options, std::ostream& out,
          std::ostream& err) {
    auto chosen = selection(options);
    if (!chosen) return reportError(err, chosen.error());
    // What exists is printed; each pid that does not is an error line (and exit status 1).
    auto selected = session.selectAvailableTasks(*chosen);
    if (!selected) return reportError(err, selected.error());
    std::vector<model::TaskRow> tasks = std::move(selected->tasks);
    for (const int32_t pid : selected->missingPids)
        reportError(err, Error{Errc::Usage, model::noTaskWithPid(pid)});
    if (tasks.empty() && !selected->missingPids.empty()) return 1;
    if (auto kept = filterTasks(options, tasks); !kept) return reportError(err, kept.error());
    const bool lines = options.has("-l") || options.json;
    if (options.has("--group")) return printGroups(session, options, tasks, lines, out, err);
    const bool withWords = options.has("-f");
    const report::NameOf nameOf = withWords ? kernelSymbolNamer(session) : nullptr;
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
        tasks, {lines}, [&](size_t index, const model::TaskRow& task, unwind::StackTrace trace) {
            const auto words = withWords ? frameWords(session, trace)
                                         : std::vector<std::optional<model::MemoryBlock>>{};
            if (options.json) {
                auto doc = report::taskBacktraceJson(task, trace);
                if (withWords) addFrameWordsJson(doc, trace, words, nameOf);
                writer.put(index, report::StreamedJsonArray::elementText(doc));
                return;
            }
            std::ostringstream text;
            report::AfterFrame after;
            if (withWords)
                after = [&](std::ostream& o, size_t physical) {
                    if (!words[physical]) return;
                    std::ostringstream block;
                    report::printMemoryWords(block, *words[physical], 8, nameOf);
                    std::istringstream lines(block.str());
                    for (std::string line; std::getline(lines, line);)
                        o << "    " << line << '\n';
                };
            report::printBacktrace(text, task, trace, lines, after);
            writer.put(index, text.str());
        });
    if (!done) return reportError(err, done.error());
    if (json) json->finish({{"warnings", btWarnings(session)}});
    // After the traces: the walks find which modules' .ko files are missing or of another build.
    for (const auto& warning : session.backtraceWarnings())
        err << "panicscope: warning: " << warning.text << '\n';
    return selected->missingPids.empty() ? 0 : 1;
}

} // namespace

Verb btVerb() {
    Verb verb{"bt",
              "[PID...] DUMP",
              "kernel stacks: the crashing task's, each CPU's current task's (-a), every task's "
              "(--all) or the given pids'",
              {
                  {"-a", nullptr, "the current task of every CPU, in CPU order"},
                  {"--all", nullptr, "every task"},
                  {"-l", nullptr, "file:line for every frame, with inlined calls"},
                  {"-f", nullptr,
                   "each frame's stack words, from its stack pointer to the next frame's, "
                   "with the symbols they point at"},
                  {"-c", "CPU", "the task current on CPU (repeatable)"},
                  {"--state", "S",
                   "only tasks in state S (R S D T t X Z P I; repeatable), of every task "
                   "unless others are chosen"},
                  {"--comm", "NAME",
                   "only tasks named NAME (repeatable), of every task unless "
                   "others are chosen"},
                  {"--group", nullptr,
                   "each distinct stack (the same functions) once, with how many tasks and "
                   "which pids have it, largest first; every task unless others are chosen"},
              },
              0,
              1u << 20,
              runBt};
    verb.unwinds = true;
    verb.printsSourceLines = [](const Options& options) {
        return options.has("-l") || options.json;
    };
    return verb;
}

} // namespace panicscope::cli
