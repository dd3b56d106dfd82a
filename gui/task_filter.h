// The filter box of the task views: a few words, every one must match a task.
//   a number       its pid or tgid
//   a state letter R S D T t X Z P I (lower case works where it is unambiguous: "d" is D)
//   "on CPU"       a CPU's current task ("crashing": the crashing one)
//   a stack status complete, truncated, unreliable, loop, too-deep
//   anything else  part of the command name (any case)
#pragma once

#include <QSortFilterProxyModel>
#include <QString>
#include <QStringList>

namespace panicscope::gui {

struct TaskQuery {
    static TaskQuery parse(const QString& text);
    bool empty() const;
    // The cells of one task as the task models show them.
    bool matches(int pid, int tgid, const QString& comm, QChar state, bool onCpu, bool crashing,
                 const QString& status) const;

    QList<int> pids;
    QString states;
    bool onCpu = false, crashing = false;
    QStringList statuses, words;
};

// Filters and sorts a task model by its TaskColumn cells; a tree keeps the parents of matches.
class TaskFilter : public QSortFilterProxyModel {
    Q_OBJECT
  public:
    explicit TaskFilter(QObject* parent = nullptr);
    void setQuery(const QString& text);

  protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override;

  private:
    TaskQuery query_;
};

} // namespace panicscope::gui
