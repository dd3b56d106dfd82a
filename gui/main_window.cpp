#include "main_window.h"

#include "async.h"
#include "cli_output.h"
#include "disassembly_view.h"
#include "log_view.h"
#include "memory_view.h"
#include "plugin_registry.h"
#include "register_view.h"
#include "source_files.h"
#include "source_view.h"
#include "stack_view.h"
#include "summary_view.h"
#include "task_filter.h"
#include "task_model.h"
#include "task_tree_model.h"
#include "triage_view.h"

#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace panicscope::gui {

namespace {

constexpr int kStateVersion = 2; // bump when the docks change: old saved layouts do not apply
constexpr int kRecentFiles = 8;

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

QTreeView* taskView(QAbstractItemModel* model) {
    auto* view = new QTreeView;
    view->setModel(model);
    view->setUniformRowHeights(true);
    view->setAllColumnsShowFocus(true);
    view->setSortingEnabled(true);
    // Widths from the font, not from the rows: sizing to contents would measure thousands of
    // rows again on every batch of stack statuses.
    const QFontMetrics metrics(view->font());
    const char* const widest[] = {"**", "999999", "999999", "999999",    "[kworker/u16:255]",
                                  "St", "CPU",    "on CPU", "unreliable"};
    for (int column = 0; column < TaskColumnCount; ++column)
        view->setColumnWidth(column, metrics.horizontalAdvance(widest[column]) + 20);
    view->header()->setStretchLastSection(true);
    return view;
}

QDockWidget* makeDock(const QString& title, const QString& name, QWidget* body) {
    auto* dock = new QDockWidget(title);
    dock->setObjectName(name); // saveState() knows docks by name
    dock->setWidget(body);
    return dock;
}

// The vmlinux chooser people get: a file dialog that says why it asks.
QString askForVmlinux(QWidget* parent, const QString& why) {
    QMessageBox::information(parent, "vmlinux not found",
                             why + "\n\nChoose the vmlinux with debug info for this dump.");
    return QFileDialog::getOpenFileName(parent, "vmlinux with debug info");
}

} // namespace

MainWindow::MainWindow()
    : loader_(new DumpLoader(this)), sources_(std::make_shared<SourceFiles>()),
      taskModel_(new TaskModel(this)), treeModel_(new TaskTreeModel(this)),
      tableFilter_(new TaskFilter(this)), treeFilter_(new TaskFilter(this)),
      cpuFilter_(new TaskFilter(this)), taskTabs_(new QTabWidget), taskSearch_(new QLineEdit),
      stack_(new StackView), summary_(new SummaryView), registers_(new RegisterView),
      disassembly_(new DisassemblyView(sources_)), memory_(new MemoryView),
      source_(new SourceView(sources_)), log_(new LogView), triage_(new TriageView),
      status_(new QLabel), progress_(new QProgressBar), cancel_(new QPushButton("Cancel")) {
    setWindowTitle("panicscope");
    setAcceptDrops(true);
    chooseVmlinux_ = [this](const QString& why) { return askForVmlinux(this, why); };
    registry_ = builtinPluginRegistry();
    sources_->setRoot(QSettings().value("sourceRoot").toString());
    setCentralWidget(stack_);
    buildDocks();
    buildMenus();
    connectViews();
    statusBar()->addWidget(status_, 1);
    statusBar()->addPermanentWidget(progress_);
    statusBar()->addPermanentWidget(cancel_);
    progress_->setMaximumWidth(240);
    progress_->setFormat("%v of %m stacks");
    progress_->hide();
    cancel_->hide();
    cancel_->setToolTip("stop unwinding (the stacks so far stay)");
    status_->setText("Open a dump: File > Open, or drop it here.");
    resize(1280, 800);
    QSettings settings;
    restoreGeometry(settings.value("geometry").toByteArray());
    // Without a saved layout the docks get their sizes once the window has its own.
    if (!restoreState(settings.value("windowState").toByteArray(), kStateVersion))
        QTimer::singleShot(0, this, &MainWindow::sizeDocks);
}

MainWindow::~MainWindow() = default;

void MainWindow::setPluginRegistry(std::shared_ptr<const plugin::Registry> registry) {
    registry_ = std::move(registry);
}

QWidget* MainWindow::buildTaskPane() {
    tableFilter_->setSourceModel(taskModel_);
    treeFilter_->setSourceModel(treeModel_);
    cpuFilter_->setSourceModel(taskModel_);
    cpuFilter_->setQuery("on cpu");
    table_ = taskView(tableFilter_);
    table_->setRootIsDecorated(false);
    table_->sortByColumn(Pid, Qt::AscendingOrder);
    tree_ = taskView(treeFilter_);
    tree_->setTreePosition(Comm); // the tree hangs from the command names
    tree_->header()->moveSection(Comm, 0);
    tree_->sortByColumn(Pid, Qt::AscendingOrder);
    tree_->setColumnWidth(Comm, tree_->columnWidth(Comm) + 3 * tree_->indentation()); // nesting
    cpus_ = taskView(cpuFilter_);
    cpus_->setRootIsDecorated(false);
    cpus_->sortByColumn(Cpu, Qt::AscendingOrder);
    cpus_->header()->moveSection(Cpu, 0);
    cpus_->setToolTip("each CPU's current task: what it was running at the crash");
    for (int column : {Tgid, Ppid, OnCpu}) // said by the table; the stack status shows instead
        cpus_->setColumnHidden(column, true);
    taskTabs_->addTab(table_, "&Table");
    taskTabs_->addTab(tree_, "T&ree");
    taskTabs_->addTab(cpus_, "C&PUs");
    taskSearch_->setPlaceholderText("Filter: name, pid, state letter, \"on CPU\", \"unreliable\"");
    taskSearch_->setClearButtonEnabled(true);
    taskSearch_->setToolTip("words that must all match: a command name (part), a pid or tgid, a "
                            "state letter (R S D ...), \"on CPU\", \"crashing\", a stack status");
    auto* pane = new QWidget;
    auto* layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(taskSearch_);
    layout->addWidget(taskTabs_);
    return pane;
}

void MainWindow::buildDocks() {
    setDockOptions(AnimatedDocks | AllowTabbedDocks | AllowNestedDocks);
    auto* tasks = makeDock("Tasks", "tasksDock", buildTaskPane());
    auto* summary = makeDock("Summary", "summaryDock", summary_);
    auto* triage = makeDock("Triage", "triageDock", triage_);
    auto* registers = makeDock("Registers", "registersDock", registers_);
    auto* disassembly = makeDock("Disassembly", "disassemblyDock", disassembly_);
    auto* memory = makeDock("Memory", "memoryDock", memory_);
    auto* source = makeDock("Source", "sourceDock", source_);
    auto* log = makeDock("Kernel log", "logDock", log_);
    addDockWidget(Qt::LeftDockWidgetArea, tasks);
    addDockWidget(Qt::BottomDockWidgetArea, summary);
    splitDockWidget(summary, registers, Qt::Horizontal);
    tabifyDockWidget(summary, triage);
    tabifyDockWidget(triage, disassembly);
    tabifyDockWidget(disassembly, memory);
    tabifyDockWidget(memory, source);
    tabifyDockWidget(source, log);
    summary->raise();
}

void MainWindow::sizeDocks() {
    // Readable at 1280x800: the stack gets the most room, the registers their three columns.
    const int registers = QFontMetrics(QFontDatabase::systemFont(QFontDatabase::FixedFont))
                              .horizontalAdvance(QString(50, 'f'));
    resizeDocks({dock("tasksDock")}, {width() * 33 / 100}, Qt::Horizontal);
    resizeDocks({dock("summaryDock"), dock("registersDock")}, {width() - registers, registers},
                Qt::Horizontal);
    resizeDocks({dock("summaryDock")}, {height() * 42 / 100}, Qt::Vertical);
}

QDockWidget* MainWindow::dock(const QString& objectName) const {
    return findChild<QDockWidget*>(objectName);
}

void MainWindow::buildMenus() {
    auto* file = menuBar()->addMenu("&File");
    file->addAction("&Open dump...", QKeySequence::Open, this, &MainWindow::chooseDump);
    recentMenu_ = file->addMenu("Open &recent");
    fillRecentMenu();
    file->addSeparator();
    file->addAction("&Export task as JSON...", QKeySequence(Qt::CTRL | Qt::Key_E), this,
                    [this] { exportJson(false); });
    file->addAction("Export &all tasks as JSON...", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E),
                    this, [this] { exportJson(true); });
    file->addSeparator();
    file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);

    auto* edit = menuBar()->addMenu("&Edit");
    edit->addAction("&Copy backtrace", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), this,
                    &MainWindow::copyBacktrace);
    edit->addAction("&Filter tasks", QKeySequence::Find, this, [this] {
        taskSearch_->setFocus();
        taskSearch_->selectAll();
    });
    edit->addAction("Search the &log", QKeySequence(Qt::CTRL | Qt::Key_L), this, [this] {
        dock("logDock")->raise();
        log_->searchBox()->setFocus();
    });

    auto* go = menuBar()->addMenu("&Go");
    go->addAction("&Crashing task", QKeySequence(Qt::CTRL | Qt::Key_J), this,
                  &MainWindow::selectCrashingTask);
    go->addAction("T&riage report", QKeySequence(Qt::CTRL | Qt::Key_R), this,
                  [this] { dock("triageDock")->raise(); });
    go->addAction("&Stack", QKeySequence(Qt::ALT | Qt::Key_S), this,
                  [this] { stack_->view()->setFocus(); });
    go->addAction("&Tasks", QKeySequence(Qt::ALT | Qt::Key_T), this,
                  [this] { currentTaskView()->setFocus(); });
    go->addSeparator();
    unwindRest_ = go->addAction("&Unwind the remaining tasks", this, &MainWindow::unwindRest);
    unwindRest_->setEnabled(false);

    auto* view = menuBar()->addMenu("&View");
    for (auto* d : findChildren<QDockWidget*>())
        view->addAction(d->toggleViewAction());

    auto* settings = menuBar()->addMenu("&Settings");
    settings->addAction("&Source root...", this, &MainWindow::chooseSourceRoot);

    auto* help = menuBar()->addMenu("&Help");
    help->addAction("&About", this, [this] {
        QMessageBox::about(this, "panicscope",
                           "panicscope: an offline Linux kernel crash-dump analyzer.\n"
                           "The GUI shows what `panicscope info`, `ps`, `log`, `bt` and "
                           "`triage` print.");
    });
}

void MainWindow::connectViews() {
    connect(loader_, &DumpLoader::status, status_, &QLabel::setText);
    connect(loader_, &DumpLoader::failed, this, &MainWindow::onFailed);
    connect(loader_, &DumpLoader::opened, this, &MainWindow::onOpened);
    connect(loader_, &DumpLoader::unwindStarted, this, [this](size_t total) {
        progress_->setRange(0, int(total));
        progress_->setValue(0);
        progress_->show();
        cancel_->show();
        unwindRest_->setEnabled(false);
    });
    connect(loader_, &DumpLoader::tracesReady, this, &MainWindow::onTraces);
    connect(loader_, &DumpLoader::unwindFinished, this, &MainWindow::onUnwindFinished);
    connect(cancel_, &QPushButton::clicked, loader_, &DumpLoader::cancel);
    connect(loader_, &DumpLoader::idle, this, [this] {
        progress_->hide();
        cancel_->hide();
        unwindRest_->setEnabled(std::count(traces_.begin(), traces_.end(), nullptr) > 0);
    });
    connect(taskSearch_, &QLineEdit::textChanged, this, [this](const QString& text) {
        tableFilter_->setQuery(text);
        treeFilter_->setQuery(text);
        if (!text.isEmpty()) tree_->expandAll();
    });
    for (QTreeView* view : {table_, tree_, cpus_})
        connect(view->selectionModel(), &QItemSelectionModel::currentChanged, this,
                [this](const QModelIndex& index) {
                    if (!syncing_ && index.isValid())
                        selectTask(index.data(TaskIndexRole).value<size_t>());
                });
    connect(stack_, &StackView::frameSelected, this, &MainWindow::onFrameSelected);
    connect(stack_, &StackView::sourceSelected, source_, &SourceView::showLine);
    connect(stack_, &StackView::copyRequested, this, &MainWindow::copyBacktrace);
    connect(stack_, &StackView::exportRequested, this, [this] { exportJson(false); });
    connect(disassembly_, &DisassemblyView::sourceRequested, this,
            [this](const QString& file, int line) {
                source_->showLine(file, line);
                dock("sourceDock")->raise();
            });
    connect(summary_, &SummaryView::crashingTaskRequested, this, &MainWindow::selectCrashingTask);
    connect(triage_, &TriageView::frameRequested, this, &MainWindow::onTriageFrameRequested);
    connect(triage_, &TriageView::pidRequested, this, &MainWindow::selectPid);
    connect(log_, &LogView::crashingTaskRequested, this, &MainWindow::selectCrashingTask);
    connect(log_, &LogView::pidRequested, this, &MainWindow::selectPid);
    connect(log_, &LogView::cpuRequested, this, [this](unsigned cpu) {
        const auto& tasks = taskModel_->tasks();
        for (size_t i = 0; i < tasks.size(); ++i)
            if (tasks[i].onCpu && tasks[i].cpu == cpu) selectTask(i);
    });
}

QWidget* MainWindow::currentTaskView() const {
    return taskTabs_->currentWidget();
}

// ---- Opening ----

void MainWindow::chooseDump() {
    const QString dump = QFileDialog::getOpenFileName(this, "Open a kernel crash dump");
    if (dump.isEmpty()) return;
    model::SessionOptions options;
    options.dumpPaths = {dump.toStdString()};
    openDump(options); // the vmlinux is asked for only when it is not found
}

void MainWindow::openDump(model::SessionOptions options) {
    opening_ = options;
    progress_->hide();
    cancel_->show();
    cancel_->setEnabled(true);
    loader_->open(std::move(options));
}

void MainWindow::onFailed(const QString& message, Errc code) {
    cancel_->hide();
    if (code == Errc::VmlinuxMissing && !opening_.vmlinuxPath) {
        const QString vmlinux = chooseVmlinux_(message);
        if (!vmlinux.isEmpty()) {
            auto options = opening_;
            options.vmlinuxPath = vmlinux.toStdString();
            openDump(options);
            return;
        }
    }
    showError(message);
}

void MainWindow::showError(const QString& message) {
    // Not modal: the window stays usable, and the dump shown before stays shown.
    lastError_ = message;
    status_->setText("Error: " + message);
    if (!errorBox_) {
        errorBox_ =
            new QMessageBox(QMessageBox::Critical, "panicscope", QString(), QMessageBox::Ok, this);
        errorBox_->setModal(false);
    }
    errorBox_->setText(message);
    errorBox_->show();
}

void MainWindow::openRecent(const QString& dump, const QString& vmlinux) {
    model::SessionOptions options;
    options.dumpPaths = {dump.toStdString()};
    if (!vmlinux.isEmpty()) options.vmlinuxPath = vmlinux.toStdString();
    openDump(options);
}

void MainWindow::rememberRecent(const model::SessionOptions& options) {
    if (options.dumpPaths.empty()) return;
    const QString dump = QFileInfo(qs(options.dumpPaths.front())).absoluteFilePath();
    const QString vmlinux =
        options.vmlinuxPath ? QFileInfo(qs(*options.vmlinuxPath)).absoluteFilePath() : QString();
    QSettings settings;
    QStringList dumps = settings.value("recent/dumps").toStringList();
    QStringList vmlinuxes = settings.value("recent/vmlinux").toStringList();
    vmlinuxes.resize(dumps.size());
    if (const auto at = dumps.indexOf(dump); at >= 0) {
        dumps.removeAt(at);
        vmlinuxes.removeAt(at);
    }
    dumps.prepend(dump);
    vmlinuxes.prepend(vmlinux);
    settings.setValue("recent/dumps", dumps.mid(0, kRecentFiles));
    settings.setValue("recent/vmlinux", vmlinuxes.mid(0, kRecentFiles));
    fillRecentMenu();
}

void MainWindow::fillRecentMenu() {
    recentMenu_->clear();
    QSettings settings;
    const QStringList dumps = settings.value("recent/dumps").toStringList();
    QStringList vmlinuxes = settings.value("recent/vmlinux").toStringList();
    vmlinuxes.resize(dumps.size());
    for (qsizetype i = 0; i < dumps.size(); ++i) {
        auto* action =
            recentMenu_->addAction(QString("&%1 %2").arg(i + 1).arg(dumps[i]), this,
                                   [this, d = dumps[i], v = vmlinuxes[i]] { openRecent(d, v); });
        if (!vmlinuxes[i].isEmpty()) action->setToolTip("with " + vmlinuxes[i]);
    }
    recentMenu_->setEnabled(!dumps.isEmpty());
}

void MainWindow::chooseSourceRoot() {
    const QString root = QFileDialog::getExistingDirectory(
        this, "Source root: the kernel tree the vmlinux was built from", sources_->root());
    if (root.isEmpty()) return;
    QSettings().setValue("sourceRoot", root);
    sources_->setRoot(root);
    source_->reload();
    disassembly_->reload();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls() && event->mimeData()->urls().front().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    model::SessionOptions options;
    options.dumpPaths = {event->mimeData()->urls().front().toLocalFile().toStdString()};
    openDump(options);
    event->acceptProposedAction();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings settings;
    settings.setValue("geometry", saveGeometry());
    settings.setValue("windowState", saveState(kStateVersion));
    loader_->cancel();
    QMainWindow::closeEvent(event);
}

// ---- What the loader delivers ----

void MainWindow::onOpened(std::shared_ptr<const LoadedDump> dump) {
    dump_ = dump;
    currentTask_.reset();
    pendingFrame_.reset();
    traces_.assign(dump->tasks.size(), nullptr);
    setWindowTitle("panicscope - " + QFileInfo(qs(dump->session->dumpPath())).fileName());
    summary_->setInfo(dump->info, dump->infoError);
    QStringList warnings;
    for (const auto& w : dump->taskWarnings)
        warnings << qs(w.text);
    for (const QString& e : {dump->tasksError, dump->logError})
        if (!e.isEmpty()) warnings << e;
    summary_->setExtraWarnings(warnings);
    taskModel_->setTasks(dump->tasks);
    treeModel_->setTasks({});
    log_->setLog({});
    stack_->clear("Select a task to see its stack.");
    registers_->clear();
    disassembly_->setSession(dump->session);
    memory_->setSession(dump->session);
    triage_->triage(dump->session, registry_);
    source_->showLine({}, 0);
    dock("summaryDock")->raise();
    status_->setText(
        QString("%1: %2 tasks").arg(qs(dump->session->dumpPath())).arg(dump->tasks.size()));
    if (dump->crashingTask) selectTask(*dump->crashingTask);
    // Shown now, the rest after: thousands of tasks take tens of milliseconds per view, and a
    // queued call would run before the paint.
    repaint();
    QTimer::singleShot(0, this, [this, dump] {
        if (dump == dump_) showRest();
    });
}

void MainWindow::showRest() {
    treeModel_->setTasks(dump_->tasks);
    std::vector<std::pair<size_t, QString>> statuses; // what came in the meantime
    for (size_t i = 0; i < traces_.size(); ++i)
        if (traces_[i]) statuses.emplace_back(i, unwind::walkStatusKey(traces_[i]->stop.kind));
    treeModel_->setStatuses(statuses);
    tree_->expandToDepth(1);
    if (currentTask_) syncTaskViews(*currentTask_);
    log_->setLog(dump_->log.records);
    rememberRecent(dump_->options);
}

void MainWindow::storeTraces(const std::vector<TaskTrace>& batch) {
    std::vector<std::pair<size_t, QString>> statuses;
    statuses.reserve(batch.size());
    for (const auto& t : batch) {
        if (t.task >= traces_.size()) continue;
        traces_[t.task] = t.trace;
        statuses.emplace_back(t.task, unwind::walkStatusKey(t.trace->stop.kind));
    }
    taskModel_->setStatuses(statuses);
    treeModel_->setStatuses(statuses);
}

void MainWindow::onTraces(const std::vector<TaskTrace>& batch, size_t done, size_t total) {
    storeTraces(batch);
    progress_->setValue(int(done));
    status_->setText(QString("Unwinding: %1 of %2 stacks").arg(done).arg(total));
    if (currentTask_ && !stack_->model().hasTrace())
        for (const auto& t : batch)
            if (t.task == *currentTask_) showTrace(t.task);
}

void MainWindow::onUnwindFinished(bool cancelled, const QString& error) {
    progress_->hide();
    cancel_->hide();
    const auto missing = size_t(std::count(traces_.begin(), traces_.end(), nullptr));
    unwindRest_->setEnabled(missing > 0);
    if (!error.isEmpty())
        status_->setText("Cannot unwind: " + error);
    else if (cancelled)
        status_->setText(QString("Unwind cancelled: %1 of %2 stacks (Go > Unwind the remaining "
                                 "tasks)")
                             .arg(traces_.size() - missing)
                             .arg(traces_.size()));
    else
        status_->setText(QString("%1: %2 tasks unwound")
                             .arg(qs(dump_ ? dump_->session->dumpPath() : ""))
                             .arg(traces_.size()));
    if (dump_) {
        // Modules whose .ko was missing or of another build: the walks just found out.
        QStringList warnings;
        for (const auto& w : dump_->session->backtraceWarnings())
            warnings << qs(w.text);
        if (!error.isEmpty()) warnings << error;
        summary_->setExtraWarnings(warnings);
    }
}

void MainWindow::unwindRest() {
    std::vector<size_t> rest;
    for (size_t i = 0; i < traces_.size(); ++i)
        if (!traces_[i]) rest.push_back(i);
    loader_->unwind(rest);
}

// ---- Selection ----

void MainWindow::selectTask(size_t task) {
    if (!dump_ || task >= dump_->tasks.size()) return;
    if (pendingFrame_ && pendingFrame_->first != task) pendingFrame_.reset();
    syncTaskViews(task);
    if (currentTask_ == task && stack_->model().hasTrace()) return;
    currentTask_ = task;
    if (traces_[task]) {
        showTrace(task);
        return;
    }
    stack_->clear(QString("Unwinding the stack of %1 (%2)...")
                      .arg(dump_->tasks[task].pid)
                      .arg(qs(dump_->tasks[task].comm)));
    registers_->clear();
    requestTrace(task);
}

// One task's stack now, ahead of the all-task unwind (or after it was cancelled).
void MainWindow::requestTrace(size_t task) {
    runAsync(
        this,
        [dump = dump_, task] {
            auto trace = dump->session->backtrace(dump->tasks[task], model::BacktraceOptions{true});
            unwind::StackTrace out;
            if (trace) {
                out = std::move(*trace);
            } else { // as Session::backtraces reports a task it cannot unwind
                out.stop = {unwind::WalkStatus::Truncated, dump->tasks[task].address,
                            trace.error().message};
            }
            return std::pair(dump, std::make_shared<const unwind::StackTrace>(std::move(out)));
        },
        [this, task](
            std::pair<std::shared_ptr<const LoadedDump>, std::shared_ptr<const unwind::StackTrace>>
                result) {
            if (result.first != dump_) return; // another dump was opened since
            if (!traces_[task]) storeTraces({TaskTrace{task, std::move(result.second)}});
            if (currentTask_ == task && !stack_->model().hasTrace()) showTrace(task);
        });
}

void MainWindow::showTrace(size_t task) {
    stack_->setTrace(dump_->tasks[task], *traces_[task]);
    if (pendingFrame_ && pendingFrame_->first == task) {
        if (pendingFrame_->second < traces_[task]->frames.size())
            stack_->selectFrame(pendingFrame_->second);
        pendingFrame_.reset();
    }
    emit stackShown(task);
}

void MainWindow::selectFrame(size_t task, size_t frame) {
    if (!dump_ || task >= dump_->tasks.size()) return;
    if (currentTask_ == task && stack_->model().hasTrace()) {
        if (frame < stack_->model().trace().frames.size()) stack_->selectFrame(frame);
    } else {
        pendingFrame_ = {task, frame};
        selectTask(task);
    }
    stack_->view()->setFocus();
}

// A frame the triage report named: its task by task_struct (the report's frames), else by pid
// (a blocked task).
void MainWindow::onTriageFrameRequested(quint64 taskAddress, int pid, quint64 frame) {
    if (!dump_) return;
    for (size_t i = 0; i < dump_->tasks.size(); ++i) {
        const auto& t = dump_->tasks[i];
        if (taskAddress ? t.address == taskAddress : t.pid == pid) {
            selectFrame(i, size_t(frame));
            return;
        }
    }
    status_->setText(QString("No task %1 in the task list").arg(pid));
}

void MainWindow::syncTaskViews(size_t task) {
    syncing_ = true;
    const QModelIndex inTable = tableFilter_->mapFromSource(taskModel_->indexOfTask(task));
    const QModelIndex inTree = treeFilter_->mapFromSource(treeModel_->indexOfTask(task));
    const QModelIndex inCpus = cpuFilter_->mapFromSource(taskModel_->indexOfTask(task));
    for (auto [view, index] : {std::pair{table_, inTable}, {tree_, inTree}, {cpus_, inCpus}}) {
        if (!index.isValid() || view->currentIndex().siblingAtColumn(0) == index) continue;
        view->setCurrentIndex(index);
        view->scrollTo(index);
    }
    syncing_ = false;
}

bool MainWindow::selectPid(int pid) {
    if (!dump_) return false;
    for (size_t i = 0; i < dump_->tasks.size(); ++i)
        if (dump_->tasks[i].pid == pid) {
            selectTask(i);
            return true;
        }
    status_->setText(QString("No task with pid %1").arg(pid));
    return false;
}

void MainWindow::selectCrashingTask() {
    if (!dump_ || !dump_->crashingTask) {
        status_->setText("The crashing task is unknown.");
        return;
    }
    selectTask(*dump_->crashingTask);
    stack_->view()->setFocus();
}

void MainWindow::onFrameSelected(size_t frame, const QString& number) {
    const auto& f = stack_->model().trace().frames.at(frame);
    registers_->showFrame(f, number);
    disassembly_->showFrame(f);
    memory_->showAround(f.sp, "sp");
}

// ---- Copy and export ----

QString MainWindow::backtraceText() const {
    const auto& task = stack_->model().task();
    return task ? qs(gui::backtraceText(*task, stack_->model().trace())) : QString();
}

QString MainWindow::backtraceJson(bool allTasks) const {
    std::vector<std::pair<const model::TaskRow*, const unwind::StackTrace*>> chosen;
    if (!allTasks) {
        if (const auto& task = stack_->model().task())
            chosen.emplace_back(&*task, &stack_->model().trace());
    } else if (dump_) {
        for (size_t i = 0; i < traces_.size(); ++i)
            if (traces_[i]) chosen.emplace_back(&dump_->tasks[i], &*traces_[i]);
    }
    return qs(backtracesJson(chosen));
}

void MainWindow::copyBacktrace() {
    const QString text = backtraceText();
    if (text.isEmpty()) return;
    QApplication::clipboard()->setText(text);
    status_->setText("Copied the backtrace (as `bt -l` prints it)");
}

void MainWindow::exportJson(bool allTasks) {
    if (!dump_) return;
    if (allTasks && std::count(traces_.begin(), traces_.end(), nullptr) > 0) {
        showError("Not every stack is unwound yet: wait for the unwind, or Go > Unwind the "
                  "remaining tasks, then export.");
        return;
    }
    if (!allTasks && !stack_->model().hasTrace()) return;
    const QString suggested =
        allTasks ? "bt-all.json" : QString("bt-%1.json").arg(stack_->model().task()->pid);
    const QString path =
        QFileDialog::getSaveFileName(this, "Export as `bt --json`", suggested, "JSON (*.json)");
    if (path.isEmpty()) return;
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        out.write(backtraceJson(allTasks).toUtf8()) < 0) {
        showError(path + ": " + out.errorString());
        return;
    }
    status_->setText("Exported " + path);
}

} // namespace panicscope::gui
