#include "stack_model.h"

#include "report/printed_frames.h"
#include "report/text_report.h"
#include "util/hex.h"

#include <QFont>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QPalette>

namespace panicscope::gui {

namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

QString location(const std::optional<std::string>& file, std::optional<int> line) {
    return file ? qs(*file) + ":" + QString::number(line.value_or(0)) : QString();
}

QString moduleSuffix(const unwind::Frame& f) {
    return f.module ? " [" + qs(*f.module) + "]" : QString();
}

// As bt prints a frame: "? " for what only a scan found, function+offset/size [module].
QString functionText(const unwind::Frame& f) {
    if (f.userMode) return "(user mode at " + qs(hex(f.pc)) + ")";
    QString text = f.foundBy == unwind::FoundBy::Scan ? "? " : "";
    if (!f.function) return text + "(unknown)" + moduleSuffix(f);
    text += qs(*f.function) + "+" + qs(hex(f.offset));
    if (f.functionSize) text += "/" + qs(hex(f.functionSize));
    return text + moduleSuffix(f);
}

QColor tint(QPalette::ColorRole role, int alpha) {
    QColor c = QGuiApplication::palette().color(role);
    c.setAlpha(alpha);
    return c;
}

} // namespace

void StackModel::setTrace(const model::TaskRow& task, unwind::StackTrace trace) {
    beginResetModel();
    task_ = task;
    trace_ = std::move(trace);
    rows_.clear();
    firstPrinted_.assign(trace_.frames.size(), 0);
    frameRows_.assign(trace_.frames.size(), 0);
    size_t physical = 0;
    report::forEachPrintedFrame(trace_, [&](size_t index, const report::PrintedFrame& p) {
        if (!p.first) return;
        const size_t i = physical++;
        firstPrinted_[i] = index;
        if (report::opensStackSection(trace_, i))
            rows_.push_back(
                {RowKind::StackSection, i, qs(report::stackSectionTitle(p.frame.stack))});
        if (p.frame.boundary)
            rows_.push_back({RowKind::Boundary, i,
                             qs(report::boundaryTitle(*p.frame.boundary, p.frame.userMode))});
        frameRows_[i] = int(rows_.size());
        rows_.push_back({RowKind::Frame, i, {}});
    });
    if (trace_.stop.kind != unwind::WalkStatus::Complete)
        rows_.push_back({RowKind::Stop, trace_.frames.size(),
                         QString("(stack %1: %2)")
                             .arg(unwind::walkStatusKey(trace_.stop.kind), qs(trace_.stop.text))});
    endResetModel();
}

void StackModel::clear() {
    beginResetModel();
    task_.reset();
    trace_ = {};
    rows_.clear();
    firstPrinted_.clear();
    frameRows_.clear();
    endResetModel();
}

std::optional<size_t> StackModel::frameOf(const QModelIndex& index) const {
    if (!index.isValid()) return std::nullopt;
    const size_t frame =
        index.internalId() ? rows_[index.internalId() - 1].frame : rows_[size_t(index.row())].frame;
    return frame < trace_.frames.size() ? std::optional(frame) : std::nullopt;
}

QModelIndex StackModel::indexOfFrame(size_t frame) const {
    return frame < frameRows_.size() ? index(frameRows_[frame], 0) : QModelIndex();
}

StackModel::RowKind StackModel::kindOf(const QModelIndex& index) const {
    return index.internalId() ? RowKind::Inline : rows_[size_t(index.row())].kind;
}

bool StackModel::isSeparator(int row) const {
    return row >= 0 && size_t(row) < rows_.size() && rows_[size_t(row)].kind != RowKind::Frame;
}

QModelIndex StackModel::index(int row, int column, const QModelIndex& parent) const {
    if (!hasIndex(row, column, parent)) return {};
    // Top-level rows have id 0; an inline row's id is its frame row + 1.
    return createIndex(row, column, parent.isValid() ? quintptr(parent.row() + 1) : 0);
}

QModelIndex StackModel::parent(const QModelIndex& child) const {
    if (!child.isValid() || !child.internalId()) return {};
    return createIndex(int(child.internalId() - 1), 0, quintptr(0));
}

int StackModel::rowCount(const QModelIndex& parent) const {
    if (!parent.isValid()) return int(rows_.size());
    if (parent.internalId() || parent.column() != 0) return 0;
    const Row& row = rows_[size_t(parent.row())];
    return row.kind == RowKind::Frame ? int(trace_.frames[row.frame].inlines.size()) : 0;
}

int StackModel::columnCount(const QModelIndex&) const {
    return ColumnCount;
}

QVariant StackModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    if (index.internalId()) {
        const Row& parentRow = rows_[index.internalId() - 1];
        return inlineData(trace_.frames[parentRow.frame], size_t(index.row()), index.column(),
                          role);
    }
    const Row& row = rows_[size_t(index.row())];
    if (role == KindRole) return int(row.kind);
    if (row.kind != RowKind::Frame) return separatorData(row, index.column(), role);
    const unwind::Frame& f = trace_.frames[row.frame];
    switch (role) {
    case FrameRole:
        return QVariant::fromValue(row.frame);
    case FirstPrintedRole:
        return QVariant::fromValue(firstPrinted_[row.frame]);
    case PrintedIndexRole:
        return QVariant::fromValue(firstPrinted_[row.frame] + f.inlines.size());
    default:
        return frameData(f, index.column(), role);
    }
}

QVariant StackModel::frameData(const unwind::Frame& f, int column, int role) const {
    if (role == Qt::ToolTipRole)
        return QString("%1 frame on the %2, found by %3")
            .arg(f.interrupted ? "interrupted" : "returning", qs(f.stack.name),
                 unwind::foundByKey(f.foundBy));
    if (role == Qt::ForegroundRole && f.foundBy == unwind::FoundBy::Scan)
        return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
    if (role != Qt::DisplayRole) return {};
    const size_t frame = size_t(&f - trace_.frames.data());
    switch (column) {
    case Number:
        return "#" + QString::number(firstPrinted_[frame] + f.inlines.size());
    case Function:
        return functionText(f);
    case Source:
        return location(f.file, f.line);
    case FoundBy:
        return unwind::foundByKey(f.foundBy);
    case StackPointer:
        return qs(hex16(f.sp));
    case Pc:
        return qs(hex16(f.pc));
    default:
        return {};
    }
}

QVariant StackModel::inlineData(const unwind::Frame& f, size_t inlined, int column,
                                int role) const {
    const size_t frame = size_t(&f - trace_.frames.data());
    const unwind::InlineFrame& in = f.inlines[inlined];
    switch (role) {
    case KindRole:
        return int(RowKind::Inline);
    case FrameRole:
        return QVariant::fromValue(frame);
    case FirstPrintedRole:
        return QVariant::fromValue(firstPrinted_[frame]);
    case PrintedIndexRole:
        return QVariant::fromValue(firstPrinted_[frame] + inlined);
    case Qt::ToolTipRole:
        return "inlined into " + functionText(f);
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (column) {
    case Number:
        return "#" + QString::number(firstPrinted_[frame] + inlined);
    case Function:
        return qs(in.function) + moduleSuffix(f) + " (inlined)";
    case Source:
        return location(in.file, in.line);
    case Pc:
        return qs(hex16(f.pc));
    default:
        return {};
    }
}

QVariant StackModel::separatorData(const Row& row, int column, int role) const {
    switch (role) {
    case Qt::DisplayRole:
        return column == 0 ? row.text : QVariant();
    case FrameRole:
        return row.frame < trace_.frames.size() ? QVariant::fromValue(row.frame) : QVariant();
    case FirstPrintedRole:
        return row.frame < trace_.frames.size() ? QVariant::fromValue(firstPrinted_[row.frame])
                                                : QVariant();
    case Qt::FontRole: {
        QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
        font.setBold(row.kind != RowKind::Stop);
        font.setItalic(row.kind == RowKind::Stop);
        return font;
    }
    // Subtle bands from the palette, so that light and dark themes both read.
    case Qt::BackgroundRole:
        if (row.kind == RowKind::Boundary) return tint(QPalette::Highlight, 60);
        if (row.kind == RowKind::StackSection) return tint(QPalette::Mid, 110);
        return {};
    case Qt::ToolTipRole:
        if (row.kind == RowKind::Boundary)
            return "the entry code saved the interrupted registers (pt_regs) here";
        if (row.kind == RowKind::StackSection) return "the walk continues on another stack";
        return {};
    default:
        return {};
    }
}

QVariant StackModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* const names[] = {"#", "Function", "Source", "Found by", "SP", "PC"};
    return section >= 0 && section < ColumnCount ? QString(names[section]) : QVariant();
}

} // namespace panicscope::gui
