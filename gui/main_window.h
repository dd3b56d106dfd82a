// The GUI's main window: the tasks (tree, table, per CPU) on the left, the selected task's stack
// in the middle, and docks for the summary, registers, disassembly, memory, source and kernel
// log. Every fact comes from the dump's model::Session through the DumpLoader (worker threads)
// or the views' own requests (thread pool): the event loop never waits for the dump.
#pragma once

#include "dump_loader.h"
#include "plugin/registry.h"

#include <QMainWindow>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QAction;
class QDockWidget;
class QLabel;
class QLineEdit;
class QMenu;
class QMessageBox;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTreeView;

namespace panicscope::gui {

class DisassemblyView;
class LogView;
class MemoryView;
class RegisterView;
class SourceFiles;
class SourceView;
class StackView;
class SummaryView;
class TaskFilter;
class TaskModel;
class TaskTreeModel;
class TriageView;

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    MainWindow();
    ~MainWindow() override;

    // Opens a dump (the vmlinux found from its release unless the options name one).
    void openDump(model::SessionOptions options);
    // Asked for the vmlinux when it is not found automatically; returns the file, or empty to
    // give up. A file dialog unless replaced (tests).
    using VmlinuxChooser = std::function<QString(const QString& why)>;
    void setVmlinuxChooser(VmlinuxChooser chooser) { chooseVmlinux_ = std::move(chooser); }
    // The triage rules (built-in and plugins') the Triage view uses for the dumps opened after;
    // the built-in ones unless set.
    void setPluginRegistry(std::shared_ptr<const plugin::Registry> registry);
    const std::shared_ptr<const plugin::Registry>& pluginRegistry() const { return registry_; }

    // Selects a task (index into the dump's task list) and shows its stack.
    void selectTask(size_t task);
    bool selectPid(int pid);
    void selectCrashingTask();
    // Selects a task and, once its stack is shown, frame `frame` of it (an index into its
    // trace's frames).
    void selectFrame(size_t task, size_t frame);

    // The last error shown in a dialog: the Error's message, as the CLI prints it.
    QString lastError() const { return lastError_; }
    std::optional<size_t> currentTask() const { return currentTask_; }
    // By task index; null until the task is unwound.
    const std::vector<std::shared_ptr<const unwind::StackTrace>>& traces() const { return traces_; }
    DumpLoader& loader() { return *loader_; }
    StackView* stackView() const { return stack_; }
    RegisterView* registerView() const { return registers_; }
    DisassemblyView* disassemblyView() const { return disassembly_; }
    MemoryView* memoryView() const { return memory_; }
    SummaryView* summaryView() const { return summary_; }
    LogView* logView() const { return log_; }
    TriageView* triageView() const { return triage_; }
    QTreeView* taskTable() const { return table_; }
    QTreeView* taskTree() const { return tree_; }
    QTreeView* cpuView() const { return cpus_; }
    QWidget* currentTaskView() const;
    QTabWidget* taskTabs() const { return taskTabs_; }
    QDockWidget* dock(const QString& objectName) const;
    // `bt -l`'s text of the shown stack, and `bt --json` of it or of every task.
    QString backtraceText() const;
    QString backtraceJson(bool allTasks) const;

  signals:
    // The stack view shows the selected task's trace (after selectTask, once it is unwound).
    void stackShown(size_t task);

  protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

  private:
    void buildDocks();
    void sizeDocks();
    QWidget* buildTaskPane();
    void buildMenus();
    void connectViews();
    void chooseDump();
    void openRecent(const QString& dump, const QString& vmlinux);
    void rememberRecent(const model::SessionOptions& options);
    void fillRecentMenu();
    void chooseSourceRoot();
    void onOpened(std::shared_ptr<const LoadedDump> dump);
    void showRest();
    void onFailed(const QString& message, Errc code);
    void onTraces(const std::vector<TaskTrace>& batch, size_t done, size_t total);
    void onUnwindFinished(bool cancelled, const QString& error);
    void storeTraces(const std::vector<TaskTrace>& batch);
    void showTrace(size_t task);
    void requestTrace(size_t task);
    void syncTaskViews(size_t task);
    void onFrameSelected(size_t frame, const QString& number);
    void onTriageFrameRequested(quint64 taskAddress, int pid, quint64 frame);
    void showError(const QString& message);
    void copyBacktrace();
    void exportJson(bool allTasks);
    void unwindRest();

    DumpLoader* loader_;
    std::shared_ptr<SourceFiles> sources_;
    std::shared_ptr<const LoadedDump> dump_;
    std::vector<std::shared_ptr<const unwind::StackTrace>> traces_; // by task index
    std::optional<size_t> currentTask_;
    model::SessionOptions opening_; // what the running open was asked for
    VmlinuxChooser chooseVmlinux_;
    QString lastError_;
    bool syncing_ = false; // selecting in the task views from code
    std::shared_ptr<const plugin::Registry> registry_;
    // A frame to select once its task's stack is shown (selectFrame): task, frame.
    std::optional<std::pair<size_t, size_t>> pendingFrame_;

    TaskModel* taskModel_;
    TaskTreeModel* treeModel_;
    TaskFilter *tableFilter_, *treeFilter_, *cpuFilter_;
    QTabWidget* taskTabs_;
    QLineEdit* taskSearch_;
    QTreeView *table_, *tree_, *cpus_;
    StackView* stack_;
    SummaryView* summary_;
    RegisterView* registers_;
    DisassemblyView* disassembly_;
    MemoryView* memory_;
    SourceView* source_;
    LogView* log_;
    TriageView* triage_;
    QLabel* status_;
    QProgressBar* progress_;
    QPushButton* cancel_;
    QMenu* recentMenu_ = nullptr;
    QAction* unwindRest_ = nullptr;
    QMessageBox* errorBox_ = nullptr;
};

} // namespace panicscope::gui
