// Memory as 8-byte words: address, value, the bytes as text, and the function a word points
// into (what makes a stack readable: return addresses). Pages the dump lacks say so.
#pragma once

#include "model/values.h"

#include <QAbstractTableModel>

#include <optional>
#include <vector>

namespace panicscope::gui {

class MemoryModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column { Marker, Address, Value, Ascii, Symbol, ColumnCount };

    using QAbstractTableModel::QAbstractTableModel;

    // `symbols[i]` names the function word i points into ("" when none); `mark` is an address
    // to point out, labelled `markLabel` ("sp").
    void setMemory(model::MemoryBlock block, std::vector<QString> symbols,
                   std::optional<uint64_t> mark, const QString& markLabel);
    void clear();
    std::optional<int> markedRow() const { return markedRow_; }
    const model::MemoryBlock& block() const { return block_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

  private:
    QVariant display(size_t row, int column) const;

    model::MemoryBlock block_;
    std::vector<QString> symbols_;
    std::optional<int> markedRow_;
    QString markLabel_;
};

} // namespace panicscope::gui
