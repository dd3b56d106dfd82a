// The kernel log with a search box and a level filter. A line leads to the task that printed
// it (its caller: a pid, or a CPU's current task outside task context), and the context menu
// to the crashing task.
#pragma once

#include "model/values.h"

#include <QWidget>

class QComboBox;
class QLineEdit;
class QTreeView;

namespace panicscope::gui {

class LogFilter;
class LogModel;

class LogView : public QWidget {
    Q_OBJECT
  public:
    explicit LogView(QWidget* parent = nullptr);
    void setLog(std::vector<model::LogRecord> records);
    void setSearch(const QString& text);
    void setMaxLevel(int level); // -1: every level
    QTreeView* view() const { return view_; }
    const LogFilter& filter() const { return *filter_; }
    QLineEdit* searchBox() const { return search_; }

  signals:
    void crashingTaskRequested();
    void pidRequested(int pid);
    void cpuRequested(unsigned cpu);

  private:
    void followCaller(const QModelIndex& index);
    void showMenu(const QPoint& at);

    LogModel* model_;
    LogFilter* filter_;
    QTreeView* view_;
    QLineEdit* search_;
    QComboBox* level_;
};

} // namespace panicscope::gui
