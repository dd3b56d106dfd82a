#include "stack_view.h"

#include "util/hex.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace panicscope::gui {

StackView::StackView(QWidget* parent)
    : QWidget(parent), model_(new StackModel(this)), view_(new QTreeView), header_(new QLabel) {
    view_->setModel(model_);
    view_->setUniformRowHeights(true);
    view_->setAllColumnsShowFocus(true);
    view_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view_->header()->setStretchLastSection(false);
    view_->setItemsExpandable(true);
    header_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    header_->setWordWrap(true);
    auto* copy = new QPushButton("Copy");
    copy->setToolTip("copy the backtrace as `bt -l` prints it (Ctrl+Shift+C)");
    auto* save = new QPushButton("Export JSON...");
    save->setToolTip("save the backtrace as `bt --json` prints it (Ctrl+E)");
    auto* top = new QHBoxLayout;
    top->addWidget(header_, 1);
    top->addWidget(copy);
    top->addWidget(save);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->addLayout(top);
    layout->addWidget(view_);
    connect(copy, &QPushButton::clicked, this, &StackView::copyRequested);
    connect(save, &QPushButton::clicked, this, &StackView::exportRequested);
    connect(view_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& index) { onCurrentChanged(index); });
    clear("Select a task to see its stack.");
}

void StackView::setTrace(const model::TaskRow& task, unwind::StackTrace trace) {
    // bt's header line, and how the walk ended.
    header_->setText(QString("PID: %1  TASK: %2  CPU: %3  COMMAND: \"%4\"  STATE: %5%6  -  %7")
                         .arg(task.pid)
                         .arg(QString::fromStdString(hex16(task.address)))
                         .arg(task.cpu)
                         .arg(QString::fromStdString(task.comm))
                         .arg(QChar(task.state))
                         .arg(task.onCpu ? "  (on CPU)" : "")
                         .arg(unwind::walkStatusKey(trace.stop.kind)));
    model_->setTrace(task, std::move(trace));
    for (int row = 0; row < model_->rowCount(); ++row)
        view_->setFirstColumnSpanned(row, {}, model_->isSeparator(row));
    view_->expandAll();
    for (int c = 0; c < StackModel::ColumnCount; ++c)
        view_->resizeColumnToContents(c);
    if (!model_->trace().frames.empty()) selectFrame(0);
}

void StackView::clear(const QString& message) {
    model_->clear();
    header_->setText(message);
}

void StackView::selectFrame(size_t frame) {
    const QModelIndex at = model_->indexOfFrame(frame);
    if (!at.isValid()) return;
    const bool already = view_->currentIndex() == at;
    view_->setCurrentIndex(at);
    view_->scrollTo(at);
    if (already) onCurrentChanged(at); // the panes follow a new trace's frame too
}

std::optional<size_t> StackView::selectedFrame() const {
    return model_->frameOf(view_->currentIndex());
}

void StackView::onCurrentChanged(const QModelIndex& index) {
    const auto frame = model_->frameOf(index);
    if (!frame) return;
    const QModelIndex row = model_->indexOfFrame(*frame);
    emit frameSelected(*frame, row.siblingAtColumn(StackModel::Number).data().toString());
    // An inline row's own file:line; else the frame's (its outermost inline's call site).
    const auto& f = model_->trace().frames[*frame];
    std::optional<std::string> file = f.file;
    std::optional<int> line = f.line;
    if (model_->kindOf(index) == StackModel::RowKind::Inline) {
        const auto& in = f.inlines[size_t(index.row())];
        file = in.file;
        line = in.line;
    } else if (!f.inlines.empty()) {
        file = f.inlines.front().file; // the innermost: where the pc is
        line = f.inlines.front().line;
    }
    emit sourceSelected(file ? QString::fromStdString(*file) : QString(), line.value_or(0));
}

} // namespace panicscope::gui
