#include "task_tree_model.h"

#include <unordered_map>

namespace panicscope::gui {

namespace {

// Each task's parent in the tree: its thread group leader, else the process of its ppid. Pid 0
// has one idle task per CPU and pids 1 and 2 have ppid 0: those are roots.
std::vector<size_t> treeParents(const std::vector<model::TaskRow>& tasks) {
    std::unordered_map<int32_t, size_t> byPid;
    for (size_t i = 0; i < tasks.size(); ++i)
        if (tasks[i].pid != 0) byPid.emplace(tasks[i].pid, i);
    std::vector<size_t> parents(tasks.size(), TaskTreeModel::npos);
    for (size_t i = 0; i < tasks.size(); ++i) {
        const auto& t = tasks[i];
        if (t.pid == 0) continue;
        const int32_t up = t.tgid != t.pid ? t.tgid : t.ppid;
        if (auto it = byPid.find(up); up != 0 && it != byPid.end() && it->second != i)
            parents[i] = it->second;
    }
    // A damaged task list could make a cycle: such a task becomes a root.
    for (size_t i = 0; i < tasks.size(); ++i) {
        size_t at = parents[i];
        for (size_t steps = 0; at != TaskTreeModel::npos; ++steps, at = parents[at])
            if (at == i || steps > tasks.size()) {
                parents[i] = TaskTreeModel::npos;
                break;
            }
    }
    return parents;
}

} // namespace

void TaskTreeModel::setTasks(std::vector<model::TaskRow> tasks) {
    beginResetModel();
    tasks_ = std::move(tasks);
    statuses_.assign(tasks_.size(), QString());
    nodes_.assign(tasks_.size(), Node{});
    roots_.clear();
    const auto parents = treeParents(tasks_);
    for (size_t i = 0; i < tasks_.size(); ++i) {
        auto& siblings = parents[i] == npos ? roots_ : nodes_[parents[i]].children;
        nodes_[i].parent = parents[i];
        nodes_[i].row = int(siblings.size());
        siblings.push_back(i);
    }
    endResetModel();
}

void TaskTreeModel::setStatuses(const std::vector<std::pair<size_t, QString>>& statuses) {
    for (const auto& [task, status] : statuses) {
        if (task >= tasks_.size()) continue;
        statuses_[task] = status;
        const QModelIndex cell = indexOfTask(task, StackStatus);
        emit dataChanged(cell, cell);
    }
}

QModelIndex TaskTreeModel::indexOfTask(size_t task, int column) const {
    if (task >= tasks_.size()) return {};
    return createIndex(nodes_[task].row, column, quintptr(task));
}

const std::vector<size_t>& TaskTreeModel::childrenOf(const QModelIndex& parent) const {
    return parent.isValid() ? nodes_[taskOf(parent)].children : roots_;
}

QModelIndex TaskTreeModel::index(int row, int column, const QModelIndex& parent) const {
    if (!hasIndex(row, column, parent)) return {};
    return createIndex(row, column, quintptr(childrenOf(parent)[size_t(row)]));
}

QModelIndex TaskTreeModel::parent(const QModelIndex& child) const {
    if (!child.isValid()) return {};
    const size_t up = nodes_[taskOf(child)].parent;
    return up == npos ? QModelIndex() : indexOfTask(up);
}

int TaskTreeModel::rowCount(const QModelIndex& parent) const {
    if (parent.isValid() && parent.column() != 0) return 0;
    return int(childrenOf(parent).size());
}

int TaskTreeModel::columnCount(const QModelIndex&) const {
    return TaskColumnCount;
}

QVariant TaskTreeModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const size_t task = taskOf(index);
    if (role == TaskIndexRole) return QVariant::fromValue(task);
    return taskCell(tasks_[task], statuses_[task], index.column(), role);
}

QVariant TaskTreeModel::headerData(int section, Qt::Orientation orientation, int role) const {
    return orientation == Qt::Horizontal ? taskHeader(section, role) : QVariant();
}

} // namespace panicscope::gui
