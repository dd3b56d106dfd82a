// The source file of the selected frame (or disassembly line) at its line, from the source root.
#pragma once

#include <QWidget>

#include <memory>

class QLabel;
class QPlainTextEdit;

namespace panicscope::gui {

class SourceFiles;

class SourceView : public QWidget {
    Q_OBJECT
  public:
    SourceView(std::shared_ptr<SourceFiles> sources, QWidget* parent = nullptr);
    // `file` as the debug info names it; an empty file clears the view.
    void showLine(const QString& file, int line);
    void reload(); // after the source root changed

  private:
    std::shared_ptr<SourceFiles> sources_;
    QLabel* title_;
    QPlainTextEdit* text_;
    QString file_;
    int line_ = 0;
};

} // namespace panicscope::gui
