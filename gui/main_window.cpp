#include "main_window.h"

#include "report/text_report.h"

#include <QApplication>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QThread>
#include <sstream>

namespace panicscope::gui {

namespace {

std::shared_ptr<LoadedDump> load(const model::SessionOptions& options) {
    auto out = std::make_shared<LoadedDump>();
    auto session = model::Session::open(options);
    if (!session) {
        out->error = QString::fromStdString(session.error().message);
        return out;
    }
    std::ostringstream text;
    if (auto info = (*session)->info()) {
        report::printInfo(text, *info);
    } else {
        text << "error: " << info.error().message << '\n';
    }
    out->summary = QString::fromStdString(text.str());
    if (auto tasks = (*session)->tasks()) out->tasks = std::move(tasks->tasks);
    std::ostringstream log;
    if (auto records = (*session)->log())
        report::printLog(log, *records);
    else
        log << "error: " << records.error().message << '\n';
    out->log = QString::fromStdString(log.str());
    out->session = std::move(*session);
    return out;
}

QPlainTextEdit* monospaceView() {
    auto* view = new QPlainTextEdit;
    view->setReadOnly(true);
    view->setLineWrapMode(QPlainTextEdit::NoWrap);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return view;
}

} // namespace

MainWindow::MainWindow()
    : tabs_(new QTabWidget), summary_(monospaceView()), tasks_(new QTableWidget),
      log_(monospaceView()), status_(new QLabel) {
    setWindowTitle("panicscope");
    tasks_->setColumnCount(7);
    tasks_->setHorizontalHeaderLabels({"", "PID", "PPID", "CPU", "ST", "COMM", "TASK"});
    tasks_->verticalHeader()->setVisible(false);
    tasks_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    tasks_->setSelectionBehavior(QAbstractItemView::SelectRows);
    tabs_->addTab(summary_, "Summary");
    tabs_->addTab(tasks_, "Tasks");
    tabs_->addTab(log_, "Kernel log");
    setCentralWidget(tabs_);
    statusBar()->addWidget(status_);
    auto* file = menuBar()->addMenu("&File");
    file->addAction("&Open dump...", QKeySequence::Open, this, &MainWindow::chooseDump);
    file->addAction("&Quit", QKeySequence::Quit, qApp, &QApplication::quit);
    resize(1100, 700);
}

MainWindow::~MainWindow() = default;

void MainWindow::chooseDump() {
    const QString dump = QFileDialog::getOpenFileName(this, "Open crash dump");
    if (dump.isEmpty()) return;
    model::SessionOptions options;
    options.dumpPaths = {dump.toStdString()};
    const QString vmlinux =
        QFileDialog::getOpenFileName(this, "vmlinux with debug info (cancel: search for it)");
    if (!vmlinux.isEmpty()) options.vmlinuxPath = vmlinux.toStdString();
    openDump(options);
}

void MainWindow::openDump(const model::SessionOptions& options) {
    status_->setText("Loading " + QString::fromStdString(options.dumpPaths.front()) + "...");
    QThread* worker = QThread::create([this, options] {
        auto loaded = load(options);
        QMetaObject::invokeMethod(
            this, [this, loaded] { showLoaded(loaded); }, Qt::QueuedConnection);
    });
    connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    worker->start();
}

void MainWindow::showLoaded(std::shared_ptr<LoadedDump> loaded) {
    if (!loaded->error.isEmpty()) {
        status_->setText("Error: " + loaded->error);
        summary_->setPlainText(loaded->error);
        return;
    }
    session_ = std::move(loaded->session);
    summary_->setPlainText(loaded->summary);
    log_->setPlainText(loaded->log);
    tasks_->setRowCount(static_cast<int>(loaded->tasks.size()));
    for (int row = 0; row < tasks_->rowCount(); ++row) {
        const auto& t = loaded->tasks[static_cast<size_t>(row)];
        const QString comm = QString::fromStdString(t.comm);
        const QStringList cells = {t.crashing ? "*"
                                   : t.onCpu  ? ">"
                                              : "",
                                   QString::number(t.pid),
                                   QString::number(t.ppid),
                                   QString::number(t.cpu),
                                   QString(QChar(t.state)),
                                   t.kernelThread ? "[" + comm + "]" : comm,
                                   QString::number(t.address, 16)};
        for (int col = 0; col < cells.size(); ++col)
            tasks_->setItem(row, col, new QTableWidgetItem(cells[col]));
    }
    tasks_->resizeColumnsToContents();
    status_->setText(QString::fromStdString(session_->dumpPath()) + ": " +
                     QString::number(loaded->tasks.size()) + " tasks");
}

} // namespace panicscope::gui
