// Every task of the dump as a flat table (ps's rows), with each stack's status filled in as the
// unwind delivers it. Holds copies of the model::TaskRow values.
#pragma once

#include "model/values.h"
#include "task_columns.h"

#include <QAbstractTableModel>

#include <vector>

namespace panicscope::gui {

class TaskModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    using QAbstractTableModel::QAbstractTableModel;

    void setTasks(std::vector<model::TaskRow> tasks);
    // Stack statuses of some tasks (walkStatusKey), by task index; one change signal for all.
    void setStatuses(const std::vector<std::pair<size_t, QString>>& statuses);
    const std::vector<model::TaskRow>& tasks() const { return tasks_; }
    QString status(size_t task) const { return statuses_.at(task); }
    QModelIndex indexOfTask(size_t task, int column = 0) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

  private:
    std::vector<model::TaskRow> tasks_;
    std::vector<QString> statuses_;
};

} // namespace panicscope::gui
