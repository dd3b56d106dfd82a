#include "model/task_family.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace panicscope::model {

std::vector<TaskRow> parentChain(const std::vector<TaskRow>& all, const TaskRow& task) {
    // A process by its pid; for pid 0 the first idle task (CPU 0's), as the rows are sorted.
    std::unordered_map<int32_t, const TaskRow*> byPid;
    for (const auto& t : all)
        byPid.emplace(t.pid, &t);
    std::vector<TaskRow> chain{task};
    std::unordered_set<int32_t> seen{task.pid};
    for (const TaskRow* at = &task; at->pid != 0;) {
        auto parent = byPid.find(at->ppid);
        if (parent == byPid.end() || !seen.insert(at->ppid).second) break;
        at = parent->second;
        chain.push_back(*at);
    }
    std::reverse(chain.begin(), chain.end());
    return chain;
}

std::vector<TaskRow> childrenOf(const std::vector<TaskRow>& all, const TaskRow& task) {
    std::vector<TaskRow> out;
    for (const auto& t : all)
        if (t.ppid == task.tgid && t.pid == t.tgid && t.pid != 0 && t.pid != task.pid)
            out.push_back(t);
    return out;
}

std::vector<TaskRow> byLastRun(std::vector<TaskRow> rows) {
    std::stable_sort(rows.begin(), rows.end(), [](const TaskRow& a, const TaskRow& b) {
        return a.lastRunNs != b.lastRunNs ? a.lastRunNs > b.lastRunNs : a.pid < b.pid;
    });
    return rows;
}

} // namespace panicscope::model
