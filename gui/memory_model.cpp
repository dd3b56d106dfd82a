#include "memory_model.h"

#include "util/hex.h"

#include <QGuiApplication>
#include <QPalette>

#include <cstring>

namespace panicscope::gui {

void MemoryModel::setMemory(model::MemoryBlock block, std::vector<QString> symbols,
                            std::optional<uint64_t> mark, const QString& markLabel) {
    beginResetModel();
    block_ = std::move(block);
    symbols_ = std::move(symbols);
    symbols_.resize(block_.bytes.size() / 8);
    markLabel_ = markLabel;
    markedRow_.reset();
    if (mark && *mark >= block_.address && *mark - block_.address < block_.bytes.size())
        markedRow_ = int((*mark - block_.address) / 8);
    endResetModel();
}

void MemoryModel::clear() {
    setMemory({}, {}, std::nullopt, {});
}

int MemoryModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(block_.bytes.size() / 8);
}

int MemoryModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MemoryModel::display(size_t row, int column) const {
    const uint64_t address = block_.address + row * 8;
    const bool present = block_.present(address);
    switch (column) {
    case Marker:
        return markedRow_ == int(row) ? markLabel_ : QString();
    case Address:
        return QString::fromStdString(hex16(address));
    case Value: {
        if (!present) return QStringLiteral("(not in dump)");
        uint64_t word = 0;
        std::memcpy(&word, block_.bytes.data() + row * 8, 8);
        return QString::fromStdString(hex16(word));
    }
    case Ascii: {
        if (!present) return QString();
        QString text;
        for (size_t i = 0; i < 8; ++i) {
            const uint8_t c = block_.bytes[row * 8 + i];
            text += c >= 0x20 && c < 0x7f ? QChar(c) : QChar('.');
        }
        return text;
    }
    case Symbol:
        return present ? symbols_[row] : QString();
    default:
        return {};
    }
}

QVariant MemoryModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const auto row = size_t(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(row, index.column());
    case Qt::ForegroundRole:
        if (!block_.present(block_.address + row * 8))
            return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
        return {};
    case Qt::BackgroundRole:
        if (markedRow_ != index.row()) return {};
        {
            QColor c = QGuiApplication::palette().color(QPalette::Highlight);
            c.setAlpha(60);
            return c;
        }
    case Qt::ToolTipRole:
        if (!block_.present(block_.address + row * 8) && block_.missingReason)
            return QString::fromStdString(*block_.missingReason);
        return {};
    default:
        return {};
    }
}

QVariant MemoryModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* const names[] = {"", "Address", "Value", "Bytes", "Points to"};
    return section >= 0 && section < ColumnCount ? QString(names[section]) : QVariant();
}

} // namespace panicscope::gui
