// The selected task's stack: its bt header line, the frames with their separators
// (StackModel), and Copy / Export as the CLI's text and JSON.
#pragma once

#include "stack_model.h"

#include <QWidget>

class QLabel;
class QTreeView;

namespace panicscope::gui {

class StackView : public QWidget {
    Q_OBJECT
  public:
    explicit StackView(QWidget* parent = nullptr);
    void setTrace(const model::TaskRow& task, unwind::StackTrace trace);
    // No stack to show, and why ("unwinding...").
    void clear(const QString& message);
    void selectFrame(size_t frame);
    std::optional<size_t> selectedFrame() const;
    const StackModel& model() const { return *model_; }
    QTreeView* view() const { return view_; }

  signals:
    // A physical frame was selected (a separator row selects the frame after it); `number` is
    // its "#N".
    void frameSelected(size_t frame, const QString& number);
    // The selected row's source line (an inline row's own); empty file when it has none.
    void sourceSelected(const QString& file, int line);
    void copyRequested();
    void exportRequested();

  private:
    void onCurrentChanged(const QModelIndex& index);

    StackModel* model_;
    QTreeView* view_;
    QLabel* header_;
};

} // namespace panicscope::gui
