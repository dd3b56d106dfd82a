// Every task as a tree by parent, as pstree draws it: threads under their process (tgid != pid
// goes under the task whose pid is the tgid), processes under their parent (ppid). The same
// columns and statuses as TaskModel.
#pragma once

#include "model/values.h"
#include "task_columns.h"

#include <QAbstractItemModel>

#include <vector>

namespace panicscope::gui {

class TaskTreeModel : public QAbstractItemModel {
    Q_OBJECT
  public:
    using QAbstractItemModel::QAbstractItemModel;

    void setTasks(std::vector<model::TaskRow> tasks);
    void setStatuses(const std::vector<std::pair<size_t, QString>>& statuses);
    QModelIndex indexOfTask(size_t task, int column = 0) const;
    // A task's parent in the tree (an index into the task list), npos for a root.
    static constexpr size_t npos = size_t(-1);
    size_t parentOf(size_t task) const { return nodes_.at(task).parent; }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

  private:
    struct Node {
        size_t parent = npos; // npos: a root
        int row = 0;          // among its parent's children
        std::vector<size_t> children;
    };
    const std::vector<size_t>& childrenOf(const QModelIndex& parent) const;
    size_t taskOf(const QModelIndex& index) const { return size_t(index.internalId()); }

    std::vector<model::TaskRow> tasks_;
    std::vector<QString> statuses_;
    std::vector<Node> nodes_; // by task index
    std::vector<size_t> roots_;
};

} // namespace panicscope::gui
