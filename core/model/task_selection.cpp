#include "model/task_selection.h"

#include <algorithm>
#include <iterator>

namespace panicscope::model {

Result<std::vector<TaskRow>> selectTaskRows(const std::vector<TaskRow>& all,
                                            const TaskSelection& selection) {
    std::vector<TaskRow> chosen;
    auto pick = [&](auto matches) {
        std::copy_if(all.begin(), all.end(), std::back_inserter(chosen), matches);
    };
    switch (selection.kind) {
    case TaskSelection::Kind::All:
        return all;
    case TaskSelection::Kind::CpuCurrent:
        pick([](const TaskRow& t) { return t.onCpu; });
        return chosen;
    case TaskSelection::Kind::Pids:
        for (const int32_t pid : selection.pids) {
            const size_t before = chosen.size();
            pick([pid](const TaskRow& t) { return t.pid == pid; }); // pid 0: every idle task
            if (chosen.size() == before)
                return fail(Errc::Usage, "no task with pid " + std::to_string(pid));
        }
        return chosen;
    case TaskSelection::Kind::Crashing:
        pick([](const TaskRow& t) { return t.crashing; });
        if (chosen.empty())
            return fail(Errc::Usage, "the crashing task is unknown; name a pid, or use -a");
        return chosen;
    }
    return chosen;
}

} // namespace panicscope::model
