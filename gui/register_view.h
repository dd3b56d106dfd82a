// The registers of the selected frame: what the unwinder knows of them (the rest greyed as
// "unknown"), and at a boundary frame beside them the pt_regs the entry code saved, also printed
// as bt prints them under its marker (the kernel's show_regs() layout).
#pragma once

#include "unwind/frame.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTreeWidget;

namespace panicscope::gui {

class RegisterView : public QWidget {
    Q_OBJECT
  public:
    explicit RegisterView(QWidget* parent = nullptr);
    // `number` is the frame's "#N" as the stack view shows it.
    void showFrame(const unwind::Frame& frame, const QString& number);
    void clear();

    // What a register's row says ("ffffffff9efc2a1e", "unknown") in the frame's column or the
    // saved pt_regs' column (empty without a boundary).
    QString frameValue(const QString& name) const;
    QString savedValue(const QString& name) const;
    QString savedText() const; // bt's lines under the boundary marker

  private:
    enum Column { Name, FrameValue, SavedValue };
    void fill(int column, const arch::RegisterState& state, const QString& unknownWhy);
    QString valueOf(const QString& name, int column) const;

    QTreeWidget* tree_;
    QLabel* savedTitle_;
    QPlainTextEdit* savedText_;
};

} // namespace panicscope::gui
