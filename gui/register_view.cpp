#include "register_view.h"

#include "report/text_report.h"
#include "util/hex.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <sstream>

namespace panicscope::gui {

namespace {

using Field = uint64_t arch::X86Registers::*;
struct Named {
    const char* name;
    Field field;
};
// show_regs()'s order: where the CPU was, then the general registers, then the rest.
constexpr Named kShown[] = {{"RIP", &arch::X86Registers::ip},
                            {"RSP", &arch::X86Registers::sp},
                            {"EFLAGS", &arch::X86Registers::flags},
                            {"RAX", &arch::X86Registers::ax},
                            {"RBX", &arch::X86Registers::bx},
                            {"RCX", &arch::X86Registers::cx},
                            {"RDX", &arch::X86Registers::dx},
                            {"RSI", &arch::X86Registers::si},
                            {"RDI", &arch::X86Registers::di},
                            {"RBP", &arch::X86Registers::bp},
                            {"R08", &arch::X86Registers::r8},
                            {"R09", &arch::X86Registers::r9},
                            {"R10", &arch::X86Registers::r10},
                            {"R11", &arch::X86Registers::r11},
                            {"R12", &arch::X86Registers::r12},
                            {"R13", &arch::X86Registers::r13},
                            {"R14", &arch::X86Registers::r14},
                            {"R15", &arch::X86Registers::r15},
                            {"ORIG_RAX", &arch::X86Registers::orig_ax},
                            {"CS", &arch::X86Registers::cs},
                            {"SS", &arch::X86Registers::ss}};

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

} // namespace

RegisterView::RegisterView(QWidget* parent)
    : QWidget(parent), tree_(new QTreeWidget), savedTitle_(new QLabel),
      savedText_(new QPlainTextEdit) {
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    tree_->setColumnCount(3);
    tree_->setRootIsDecorated(false);
    tree_->setUniformRowHeights(true);
    tree_->setFont(fixed);
    tree_->header()->setStretchLastSection(false);
    const int value = QFontMetrics(fixed).horizontalAdvance("ffffffffffffffff") + 16;
    tree_->setColumnWidth(Name, QFontMetrics(fixed).horizontalAdvance("ORIG_RAX") + 16);
    tree_->setColumnWidth(FrameValue, value);
    tree_->setColumnWidth(SavedValue, value);
    for (const auto& [name, field] : kShown)
        new QTreeWidgetItem(tree_, {name});
    savedText_->setReadOnly(true);
    savedText_->setLineWrapMode(QPlainTextEdit::NoWrap);
    savedText_->setFont(fixed);
    savedTitle_->setWordWrap(true);
    savedTitle_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // The table first; bt's text of the pt_regs below it, as tall as people drag it.
    auto* saved = new QWidget;
    auto* savedLayout = new QVBoxLayout(saved);
    savedLayout->setContentsMargins(0, 0, 0, 0);
    savedLayout->addWidget(savedTitle_);
    savedLayout->addWidget(savedText_, 1);
    auto* split = new QSplitter(Qt::Vertical);
    split->setObjectName("registerSplit");
    split->addWidget(tree_);
    split->addWidget(saved);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);
    clear();
}

void RegisterView::clear() {
    tree_->setHeaderLabels({"Register", "Frame", "pt_regs"});
    tree_->setColumnHidden(SavedValue, true);
    for (int i = 0; i < tree_->topLevelItemCount(); ++i) {
        tree_->topLevelItem(i)->setText(FrameValue, {});
        tree_->topLevelItem(i)->setText(SavedValue, {});
    }
    savedTitle_->setText("Select a frame to see its registers.");
    savedText_->clear();
    savedText_->hide();
}

void RegisterView::showFrame(const unwind::Frame& frame, const QString& number) {
    clear();
    tree_->headerItem()->setText(FrameValue, "Frame " + number);
    fill(FrameValue, frame.regs, "the unwind data does not restore this register here");
    if (!frame.boundary) {
        savedTitle_->setText("Frame " + number + " is not at a boundary: no pt_regs.");
        return;
    }
    const auto& b = *frame.boundary;
    tree_->headerItem()->setText(SavedValue, "pt_regs");
    tree_->setColumnHidden(SavedValue, false);
    fill(SavedValue,
         {b.regs, b.fullRegs ? arch::RegisterState::kAll : arch::RegisterState::kIretFrame},
         "not saved yet at this entry point (only the hardware's iret frame)");
    // A CPU stopped in user mode has its registers from the dump, saved by no entry code.
    const QString where = b.kind == unwind::BoundaryKind::CpuState
                              ? "\nfrom the dump's CPU state (no pt_regs):"
                              : "\npt_regs at " + qs(hex16(b.regsAddress)) + ":";
    savedTitle_->setText(qs(report::boundaryTitle(b, frame.userMode)) + where);
    std::ostringstream text;
    report::printBoundaryRegisters(text, frame);
    savedText_->setPlainText(qs(text.str()));
    savedText_->show();
}

void RegisterView::fill(int column, const arch::RegisterState& state, const QString& unknownWhy) {
    const QColor unknown = palette().color(QPalette::Disabled, QPalette::Text);
    const QColor known = palette().color(QPalette::Text);
    for (int i = 0; i < tree_->topLevelItemCount(); ++i) {
        auto* item = tree_->topLevelItem(i);
        const Field field = kShown[i].field;
        const bool has = state.has(field);
        item->setText(column, has ? qs(hex16(state.values.*field)) : QString("unknown"));
        item->setForeground(column, has ? known : unknown);
        item->setToolTip(column, has ? QString() : unknownWhy);
    }
}

QString RegisterView::valueOf(const QString& name, int column) const {
    if (tree_->isColumnHidden(column)) return {};
    for (int i = 0; i < tree_->topLevelItemCount(); ++i)
        if (tree_->topLevelItem(i)->text(Name) == name) return tree_->topLevelItem(i)->text(column);
    return {};
}

QString RegisterView::frameValue(const QString& name) const {
    return valueOf(name, FrameValue);
}

QString RegisterView::savedValue(const QString& name) const {
    return valueOf(name, SavedValue);
}

QString RegisterView::savedText() const {
    return savedText_->toPlainText();
}

} // namespace panicscope::gui
