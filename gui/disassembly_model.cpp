#include "disassembly_model.h"

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

QString bytesText(const std::vector<uint8_t>& bytes) {
    QString out;
    for (uint8_t b : bytes)
        out += QString::asprintf("%02x ", b);
    return out.trimmed();
}

bool contains(const disasm::Instruction& insn, uint64_t address) {
    return address >= insn.address && address - insn.address < insn.bytes.size();
}

} // namespace

void DisassemblyModel::setListing(std::vector<model::CodeLine> code,
                                  std::vector<std::optional<QString>> sourceBefore,
                                  std::optional<uint64_t> highlight) {
    beginResetModel();
    code_ = std::move(code);
    rows_.clear();
    highlightedRow_.reset();
    for (size_t i = 0; i < code_.size(); ++i) {
        if (i < sourceBefore.size() && sourceBefore[i]) rows_.push_back({i, sourceBefore[i]});
        if (highlight && contains(code_[i].instruction, *highlight))
            highlightedRow_ = int(rows_.size());
        rows_.push_back({i, std::nullopt});
    }
    endResetModel();
}

void DisassemblyModel::clear() {
    setListing({}, {}, std::nullopt);
}

std::optional<int> DisassemblyModel::rowOf(uint64_t address) const {
    for (size_t r = 0; r < rows_.size(); ++r)
        if (!rows_[r].source && contains(code_[rows_[r].code].instruction, address)) return int(r);
    return std::nullopt;
}

int DisassemblyModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

int DisassemblyModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DisassemblyModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const Row& row = rows_[size_t(index.row())];
    if (row.source) {
        // The source line spans the row (the view spans its first column); greyed like a comment.
        if (role == Qt::DisplayRole) return index.column() == 0 ? *row.source : QVariant();
        if (role == Qt::ForegroundRole)
            return QGuiApplication::palette().color(QPalette::PlaceholderText);
        return {};
    }
    return instructionData(code_[row.code], highlightedRow_ == index.row(), index.column(), role);
}

QVariant DisassemblyModel::instructionData(const model::CodeLine& line, bool highlighted,
                                           int column, int role) const {
    const disasm::Instruction& insn = line.instruction;
    switch (role) {
    case AddressRole:
        return QVariant::fromValue<quint64>(insn.address);
    case TargetRole:
        return insn.target ? QVariant::fromValue<quint64>(*insn.target) : QVariant();
    case Qt::BackgroundRole:
        if (!highlighted) return {};
        {
            QColor c = QGuiApplication::palette().color(QPalette::Highlight);
            c.setAlpha(80);
            return c;
        }
    case Qt::ForegroundRole:
        if (column == Target && insn.target)
            return QGuiApplication::palette().color(QPalette::Link);
        return {};
    case Qt::FontRole:
        if ((column == Target && insn.target) || highlighted) {
            // The view's fixed font, a link underlined and the executing instruction bold.
            QFont f = QFontDatabase::systemFont(QFontDatabase::FixedFont);
            f.setUnderline(column == Target && insn.target);
            f.setBold(highlighted);
            return f;
        }
        return {};
    case Qt::ToolTipRole:
        if (column == Target && insn.target) return "go to " + qs(hex(*insn.target));
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (column) {
    case Marker:
        return highlighted ? QStringLiteral("=>") : QString();
    case Address:
        return qs(hex16(insn.address));
    case Offset:
        return code_.empty()
                   ? QString()
                   : QString("<+%1>").arg(insn.address - code_.front().instruction.address);
    case Bytes:
        return bytesText(insn.bytes);
    case Instruction:
        return qs(insn.mnemonic) + (insn.operands.empty() ? "" : " " + qs(insn.operands));
    case Target:
        return line.target ? "<" + qs(*line.target) + ">" : QString();
    case Source:
        return line.file ? qs(*line.file) + ":" + QString::number(line.line.value_or(0))
                         : QString();
    default:
        return {};
    }
}

QVariant DisassemblyModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* const names[] = {"",       "Address", "Offset", "Bytes", "Instruction",
                                        "Target", "Source"};
    return section >= 0 && section < ColumnCount ? QString(names[section]) : QVariant();
}

} // namespace panicscope::gui
