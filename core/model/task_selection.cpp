#include "model/task_selection.h"

#include <algorithm>
#include <iterator>

namespace panicscope::model {

std::string noTaskWithPid(int32_t pid) {
    return "no task with pid " + std::to_string(pid);
}

Result<SelectedTasks> selectAvailableTaskRows(const std::vector<TaskRow>& all,
                                              const TaskSelection& selection) {
    SelectedTasks chosen;
    auto pick = [&](auto matches) {
        std::copy_if(all.begin(), all.end(), std::back_inserter(chosen.tasks), matches);
    };
    switch (selection.kind) {
    case TaskSelection::Kind::All:
        chosen.tasks = all;
        break;
    case TaskSelection::Kind::CpuCurrent:
        pick([](const TaskRow& t) { return t.onCpu; });
        std::stable_sort(chosen.tasks.begin(), chosen.tasks.end(),
                         [](const TaskRow& a, const TaskRow& b) { return a.cpu < b.cpu; });
        break;
    case TaskSelection::Kind::Pids:
        for (const int32_t pid : selection.pids) {
            const size_t before = chosen.tasks.size();
            pick([pid](const TaskRow& t) { return t.pid == pid; }); // pid 0: every idle task
            if (chosen.tasks.size() == before) chosen.missingPids.push_back(pid);
        }
        break;
    case TaskSelection::Kind::Crashing:
        pick([](const TaskRow& t) { return t.crashing; });
        if (chosen.tasks.empty())
            return fail(Errc::Usage, "the crashing task is unknown; name a pid, or use -a");
        break;
    }
    return chosen;
}

Result<std::vector<TaskRow>> selectTaskRows(const std::vector<TaskRow>& all,
                                            const TaskSelection& selection) {
    auto chosen = selectAvailableTaskRows(all, selection);
    if (!chosen) return tl::unexpected(chosen.error());
    if (!chosen->missingPids.empty())
        return fail(Errc::Usage, noTaskWithPid(chosen->missingPids.front()));
    return std::move(chosen->tasks);
}

} // namespace panicscope::model
