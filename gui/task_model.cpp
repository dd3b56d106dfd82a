#include "task_model.h"

#include <algorithm>

namespace panicscope::gui {

void TaskModel::setTasks(std::vector<model::TaskRow> tasks) {
    beginResetModel();
    tasks_ = std::move(tasks);
    statuses_.assign(tasks_.size(), QString());
    endResetModel();
}

void TaskModel::setStatuses(const std::vector<std::pair<size_t, QString>>& statuses) {
    size_t first = tasks_.size(), last = 0;
    for (const auto& [task, status] : statuses) {
        if (task >= tasks_.size()) continue;
        statuses_[task] = status;
        first = std::min(first, task);
        last = std::max(last, task);
    }
    if (first <= last)
        emit dataChanged(index(int(first), StackStatus), index(int(last), StackStatus));
}

QModelIndex TaskModel::indexOfTask(size_t task, int column) const {
    return task < tasks_.size() ? index(int(task), column) : QModelIndex();
}

int TaskModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(tasks_.size());
}

int TaskModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : TaskColumnCount;
}

QVariant TaskModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const auto row = size_t(index.row());
    if (role == TaskIndexRole) return QVariant::fromValue(row);
    return taskCell(tasks_[row], statuses_[row], index.column(), role);
}

QVariant TaskModel::headerData(int section, Qt::Orientation orientation, int role) const {
    return orientation == Qt::Horizontal ? taskHeader(section, role) : QVariant();
}

} // namespace panicscope::gui
