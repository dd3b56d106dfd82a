#include "json_document.h"
#include "model/task_family.h"
#include "report/json_report.h"
#include "report/json_text.h"
#include "report/ps_report.h"
#include "report/text_report.h"
#include "util/hex.h"
#include "verbs.h"

namespace panicscope::cli {

namespace {

// The tasks the pids name, in their order; every task when none is given.
Result<std::vector<model::TaskRow>>
chosenTasks(const model::Session& session, const model::TaskTable& table, const Options& options) {
    if (options.args.empty()) return table.tasks;
    model::TaskSelection s{model::TaskSelection::Kind::Pids, {}};
    for (const auto& arg : options.args) {
        auto pid = parseDecimal(arg);
        if (!pid || *pid > INT32_MAX) return fail(Errc::Usage, "'" + arg + "' is not a pid");
        s.pids.push_back(static_cast<int32_t>(*pid));
    }
    return session.selectTasks(s);
}

// One block per item, a blank line between (-p, -c, -t).
template <class T, class Print>
void blocks(std::ostream& out, const std::vector<T>& items, Print print) {
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out << '\n';
        print(items[i], i);
    }
}

void printParents(const model::Session& session, const model::TaskTable& table,
                  const std::vector<model::TaskRow>& chosen, const Options& options,
                  std::ostream& out) {
    std::vector<std::vector<model::TaskRow>> chains;
    for (const auto& t : chosen)
        chains.push_back(model::parentChain(table.tasks, t));
    if (options.json)
        out << jsonDocument(session, report::psParentsJson(chains, table.warnings)) << '\n';
    else
        blocks(out, chains,
               [&](const auto& chain, size_t) { report::printParentChain(out, chain); });
}

void printChildren(const model::Session& session, const model::TaskTable& table,
                   const std::vector<model::TaskRow>& chosen, const Options& options,
                   std::ostream& out) {
    std::vector<std::vector<model::TaskRow>> children;
    for (const auto& t : chosen)
        children.push_back(model::childrenOf(table.tasks, t));
    if (options.json)
        out << jsonDocument(session, report::psChildrenJson(chosen, children, table.warnings))
            << '\n';
    else
        blocks(out, chosen,
               [&](const auto& task, size_t i) { report::printChildren(out, task, children[i]); });
}

int runPs(const model::Session& session, const Options& options, std::ostream& out,
          std::ostream& err) {
    const int views = options.has("-l") + options.has("-p") + options.has("-c") + options.has("-t");
    if (views > 1) return reportError(err, {Errc::Usage, "ps: -l, -p, -c and -t are exclusive"});
    auto table = session.tasks();
    if (!table) return reportError(err, table.error());
    auto chosen = chosenTasks(session, *table, options);
    if (!chosen) return reportError(err, chosen.error());
    if (options.has("-p")) {
        printParents(session, *table, *chosen, options, out);
        return 0;
    }
    if (options.has("-c")) {
        printChildren(session, *table, *chosen, options, out);
        return 0;
    }
    model::TaskTable shown{options.has("-l") ? model::byLastRun(*chosen) : *chosen,
                           table->warnings};
    if (options.json) {
        out << jsonDocument(session, report::psJson(shown)) << '\n';
    } else if (options.has("-l")) {
        report::printLastRun(out, shown.tasks);
    } else if (options.has("-t")) {
        auto info = session.info();
        const auto uptime = info ? info->uptimeSeconds : std::nullopt;
        blocks(out, shown.tasks,
               [&](const auto& t, size_t) { report::printRunTimes(out, t, uptime); });
    } else {
        report::printTasks(out, shown);
    }
    return 0;
}

} // namespace

Verb psVerb() {
    Verb verb{"ps",
              "[PID...] DUMP",
              "every process and thread ('>' on a CPU, '*' the crashing task), or the given pids'",
              {
                  {"-l", nullptr,
                   "when each task last ran (sched_info.last_arrival, else se.exec_start, in ns), "
                   "the most recent first"},
                  {"-p", nullptr, "each task's parents, from pid 0 down"},
                  {"-c", nullptr, "each task's children"},
                  {"-t", nullptr,
                   "each task's run time, start time (s after boot), user and "
                   "system time (ns)"},
              },
              0,
              1u << 20,
              runPs};
    verb.printsSourceLines = [](const Options&) { return false; };
    return verb;
}

} // namespace panicscope::cli
