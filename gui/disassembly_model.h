// One function's instructions as Session::disassembleFunction gives them, with the source line
// each group of instructions comes from interleaved (when the source root has the file) and the
// instruction a frame is executing marked.
#pragma once

#include "model/values.h"

#include <QAbstractTableModel>

#include <optional>
#include <vector>

namespace panicscope::gui {

class DisassemblyModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column { Marker, Address, Offset, Bytes, Instruction, Target, Source, ColumnCount };
    enum Role {
        AddressRole = Qt::UserRole + 1, // the instruction's address (quint64); none on source rows
        TargetRole,                     // a direct call's or jump's destination (quint64)
    };

    using QAbstractTableModel::QAbstractTableModel;

    // `sourceBefore[i]`: a source line to show above instruction i ("file:line  text").
    // `highlight`: the address the frame is executing (inside the instruction to mark).
    void setListing(std::vector<model::CodeLine> code,
                    std::vector<std::optional<QString>> sourceBefore,
                    std::optional<uint64_t> highlight);
    void clear();
    const std::vector<model::CodeLine>& code() const { return code_; }
    std::optional<int> highlightedRow() const { return highlightedRow_; }
    // The row of the instruction containing `address`.
    std::optional<int> rowOf(uint64_t address) const;
    bool isSourceRow(int row) const { return rows_.at(size_t(row)).source.has_value(); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

  private:
    struct Row {
        size_t code = 0;               // the instruction (for a source row: the one after it)
        std::optional<QString> source; // set on source rows
    };
    QVariant instructionData(const model::CodeLine& line, bool highlighted, int column,
                             int role) const;

    std::vector<model::CodeLine> code_;
    std::vector<Row> rows_;
    std::optional<int> highlightedRow_;
};

} // namespace panicscope::gui
