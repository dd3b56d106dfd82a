#include "log_view.h"

#include "log_model.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QTreeView>
#include <QVBoxLayout>

namespace panicscope::gui {

LogView::LogView(QWidget* parent)
    : QWidget(parent), model_(new LogModel(this)), filter_(new LogFilter(this)),
      view_(new QTreeView), search_(new QLineEdit), level_(new QComboBox) {
    filter_->setSourceModel(model_);
    view_->setModel(filter_);
    view_->setRootIsDecorated(false);
    view_->setUniformRowHeights(true);
    view_->setAllColumnsShowFocus(true);
    view_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view_->setContextMenuPolicy(Qt::CustomContextMenu);
    view_->header()->setStretchLastSection(true);
    search_->setPlaceholderText("Search the log");
    search_->setClearButtonEnabled(true);
    level_->addItem("All levels", -1);
    const char* const names[] = {"emerg", "alert", "crit", "err", "warning", "notice", "info"};
    for (int level = 0; level < 7; ++level)
        level_->addItem(QString("Up to %1 %2").arg(level).arg(names[level]), level);
    level_->setToolTip("show records of this level or more severe");
    auto* top = new QHBoxLayout;
    top->addWidget(search_, 1);
    top->addWidget(new QLabel("Level:"));
    top->addWidget(level_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(view_);
    connect(search_, &QLineEdit::textChanged, this, [this](const QString& text) {
        filter_->setText(text);
        if (text.isEmpty()) view_->scrollToBottom(); // back to the crash
    });
    connect(level_, &QComboBox::currentIndexChanged, this,
            [this](int i) { filter_->setMaxLevel(level_->itemData(i).toInt()); });
    connect(view_, &QTreeView::activated, this, &LogView::followCaller);
    connect(view_, &QTreeView::customContextMenuRequested, this, &LogView::showMenu);
}

void LogView::setLog(std::vector<model::LogRecord> records) {
    model_->setLog(std::move(records));
    view_->resizeColumnToContents(LogModel::Time);
    view_->resizeColumnToContents(LogModel::Level);
    view_->resizeColumnToContents(LogModel::Caller);
    view_->scrollToBottom(); // the crash is at the end
}

void LogView::setSearch(const QString& text) {
    search_->setText(text);
}

void LogView::setMaxLevel(int level) {
    level_->setCurrentIndex(std::max(0, level_->findData(level)));
}

void LogView::followCaller(const QModelIndex& index) {
    if (!index.isValid()) return;
    const auto caller = index.data(LogModel::CallerRole).value<quint32>();
    if (caller & LogModel::kCpuCaller)
        emit cpuRequested(caller & ~LogModel::kCpuCaller);
    else
        emit pidRequested(int(caller));
}

void LogView::showMenu(const QPoint& at) {
    const QModelIndex index = view_->indexAt(at);
    QMenu menu(this);
    menu.addAction("Go to crashing task", this, &LogView::crashingTaskRequested);
    if (index.isValid()) {
        const auto caller = index.data(LogModel::CallerRole).value<quint32>();
        menu.addAction(
            caller & LogModel::kCpuCaller
                ? QString("Go to CPU %1's current task").arg(caller & ~LogModel::kCpuCaller)
                : QString("Go to the task that printed this (pid %1)").arg(caller),
            this, [this, index] { followCaller(index); });
        menu.addAction("Copy line", this, [index] {
            QStringList cells;
            for (int c = 0; c < LogModel::ColumnCount; c += 3) // time and text, as `log` prints
                cells << index.siblingAtColumn(c).data().toString();
            QApplication::clipboard()->setText(cells.join(' '));
        });
    }
    menu.exec(view_->viewport()->mapToGlobal(at));
}

} // namespace panicscope::gui
