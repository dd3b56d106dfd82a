#include "source_view.h"

#include "source_files.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTextBlock>
#include <QVBoxLayout>

namespace panicscope::gui {

SourceView::SourceView(std::shared_ptr<SourceFiles> sources, QWidget* parent)
    : QWidget(parent), sources_(std::move(sources)), title_(new QLabel), text_(new QPlainTextEdit) {
    text_->setReadOnly(true);
    text_->setLineWrapMode(QPlainTextEdit::NoWrap);
    text_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    title_->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(title_);
    layout->addWidget(text_);
    showLine({}, 0);
}

void SourceView::reload() {
    showLine(file_, line_);
}

void SourceView::showLine(const QString& file, int line) {
    file_ = file;
    line_ = line;
    text_->clear();
    if (file.isEmpty()) {
        title_->setText("Select a frame with a file:line to see its source.");
        return;
    }
    const QString where = file + ":" + QString::number(line);
    if (sources_->root().isEmpty()) {
        title_->setText(where + " - set Settings > Source root to a kernel tree to see it.");
        return;
    }
    const auto path = sources_->resolve(file);
    const QStringList lines = sources_->lines(file);
    if (!path || lines.isEmpty()) {
        title_->setText(where + " - not found under " + sources_->root());
        return;
    }
    title_->setText(where + "  (" + *path + ")");
    QString text;
    for (int i = 0; i < lines.size(); ++i)
        text += QString("%1  %2\n").arg(i + 1, 6).arg(lines[i]);
    text_->setPlainText(text);
    // Mark the line and put it in the middle of the view.
    const QTextBlock block = text_->document()->findBlockByNumber(std::max(0, line - 1));
    QTextCursor cursor(block);
    text_->setTextCursor(cursor);
    QTextEdit::ExtraSelection mark;
    mark.cursor = cursor;
    QColor band = palette().color(QPalette::Highlight);
    band.setAlpha(70); // readable on light and dark palettes alike
    mark.format.setBackground(band);
    mark.format.setProperty(QTextFormat::FullWidthSelection, true);
    text_->setExtraSelections({mark});
    text_->centerCursor();
}

} // namespace panicscope::gui
