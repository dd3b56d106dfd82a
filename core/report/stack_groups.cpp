#include "report/stack_groups.h"

#include "report/json_report.h"
#include "report/printed_frames.h"
#include "report/text_report.h"

#include <algorithm>

namespace panicscope::report {

std::string stackKey(const unwind::StackTrace& trace) {
    std::string key;
    forEachPrintedFrame(trace, [&](size_t, const PrintedFrame& p) {
        if (p.frame.userMode) return;
        key += p.function().value_or("?");
        if (p.frame.module) key += "[" + *p.frame.module + "]";
        key += ' ';
    });
    return key + "| " + unwind::walkStatusKey(trace.stop.kind);
}

void StackGroups::add(size_t index, const model::TaskRow& task, unwind::StackTrace trace) {
    const std::string key = stackKey(trace);
    std::lock_guard guard(lock_);
    auto [it, added] = byKey_.try_emplace(key);
    Entry& e = it->second;
    if (added || index < e.firstIndex) {
        e.firstIndex = index;
        e.trace = std::move(trace);
    }
    e.tasks.emplace(index, task);
}

std::vector<StackGroup> StackGroups::groups() const {
    std::lock_guard guard(lock_);
    std::vector<const Entry*> entries;
    for (const auto& [key, e] : byKey_)
        entries.push_back(&e);
    std::sort(entries.begin(), entries.end(), [](const Entry* a, const Entry* b) {
        if (a->tasks.size() != b->tasks.size()) return a->tasks.size() > b->tasks.size();
        return a->firstIndex < b->firstIndex;
    });
    std::vector<StackGroup> out;
    for (const Entry* e : entries) {
        StackGroup g;
        for (const auto& [index, task] : e->tasks)
            g.tasks.push_back(task);
        g.trace = e->trace;
        out.push_back(std::move(g));
    }
    return out;
}

namespace {

// comm -> how many, by name.
std::map<std::string, size_t> commCounts(const StackGroup& group) {
    std::map<std::string, size_t> counts;
    for (const auto& t : group.tasks)
        ++counts[t.comm];
    return counts;
}

} // namespace

void printStackGroup(std::ostream& out, const StackGroup& group, bool withLines) {
    out << "== " << group.tasks.size() << (group.tasks.size() == 1 ? " task:" : " tasks:");
    for (const auto& [comm, n] : commCounts(group))
        out << ' ' << comm << " (" << n << ')';
    out << " ==\nPIDS:";
    size_t column = 5;
    for (const auto& t : group.tasks) {
        const std::string pid = std::to_string(t.pid);
        if (column + 1 + pid.size() > 100) {
            out << "\n     ";
            column = 5;
        }
        out << ' ' << pid;
        column += 1 + pid.size();
    }
    out << '\n';
    printBacktrace(out, group.tasks.front(), group.trace, withLines);
}

nlohmann::ordered_json stackGroupJson(const StackGroup& group) {
    nlohmann::ordered_json pids = nlohmann::ordered_json::array();
    for (const auto& t : group.tasks)
        pids.push_back(t.pid);
    nlohmann::ordered_json comms = nlohmann::ordered_json::object();
    for (const auto& [comm, n] : commCounts(group))
        comms[comm] = n;
    return {{"count", group.tasks.size()},
            {"pids", std::move(pids)},
            {"comms", std::move(comms)},
            {"task", taskBacktraceJson(group.tasks.front(), group.trace)}};
}

} // namespace panicscope::report
