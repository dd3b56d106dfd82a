// One task's stack as a tree: a row per physical frame with the functions inlined at its pc
// nested under it, and separator rows where the CLI prints its marker lines, in its words:
// "--- <IRQ stack> ---" where the walk changed stacks, "=== interrupt: asm_common_interrupt ==="
// at each pt_regs, and "(stack unreliable: ...)" where an unfinished walk stopped.
#pragma once

#include "model/values.h"
#include "unwind/frame.h"

#include <QAbstractItemModel>

#include <optional>
#include <vector>

namespace panicscope::gui {

class StackModel : public QAbstractItemModel {
    Q_OBJECT
  public:
    enum class RowKind { StackSection, Boundary, Frame, Inline, Stop };
    // The module goes with the function, as bt prints it: "psc_write+0xed/0x140
    // [panicscope_crash]".
    enum Column { Number, Function, Source, FoundBy, StackPointer, Pc, ColumnCount };
    enum Role {
        KindRole = Qt::UserRole + 1, // RowKind as int
        FrameRole,                   // the physical frame's index in trace().frames
        PrintedIndexRole,            // the row's "#N" (bt's and the JSON's frame index)
        FirstPrintedRole,            // the first printed index of the row's physical frame
    };

    using QAbstractItemModel::QAbstractItemModel;

    void setTrace(const model::TaskRow& task, unwind::StackTrace trace);
    void clear();
    bool hasTrace() const { return task_.has_value(); }
    const std::optional<model::TaskRow>& task() const { return task_; }
    const unwind::StackTrace& trace() const { return trace_; }
    // The physical frame a row stands for: a separator belongs to the frame after it.
    std::optional<size_t> frameOf(const QModelIndex& index) const;
    // The top-level row of a physical frame.
    QModelIndex indexOfFrame(size_t frame) const;
    RowKind kindOf(const QModelIndex& index) const;
    bool isSeparator(int row) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

  private:
    struct Row {
        RowKind kind;
        size_t frame; // the physical frame (for separators: the one after them)
        QString text; // separators only
    };
    QVariant frameData(const unwind::Frame& frame, int column, int role) const;
    QVariant inlineData(const unwind::Frame& frame, size_t inlined, int column, int role) const;
    QVariant separatorData(const Row& row, int column, int role) const;

    std::optional<model::TaskRow> task_;
    unwind::StackTrace trace_;
    std::vector<Row> rows_;
    std::vector<size_t> firstPrinted_; // by physical frame
    std::vector<int> frameRows_;       // by physical frame
};

} // namespace panicscope::gui
