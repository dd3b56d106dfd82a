#include "summary_view.h"

#include "util/hex.h"

#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace panicscope::gui {

namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

// As `info` prints the uptime: "00:00:10 (10.685 s)".
QString uptimeText(double seconds) {
    const auto whole = static_cast<unsigned long long>(seconds);
    return QString::asprintf("%02llu:%02llu:%02llu (%.3f s)", whole / 3600, whole / 60 % 60,
                             whole % 60, seconds);
}

} // namespace

SummaryView::SummaryView(QWidget* parent)
    : QWidget(parent), form_(new QFormLayout), jump_(new QPushButton("Show its stack")),
      warnings_(new QLabel) {
    auto* body = new QWidget;
    auto* column = new QVBoxLayout(body);
    column->addLayout(form_);
    column->addWidget(warnings_);
    column->addStretch(1);
    form_->setLabelAlignment(Qt::AlignRight);
    warnings_->setWordWrap(true);
    warnings_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    jump_->setToolTip("select the crashing task and show its stack (Ctrl+J)");
    auto* scroll = new QScrollArea;
    scroll->setWidget(body);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
    connect(jump_, &QPushButton::clicked, this, &SummaryView::crashingTaskRequested);
    clear();
}

QLabel* SummaryView::field(const QString& label, const QString& value) {
    auto* text = new QLabel(value);
    text->setTextInteractionFlags(Qt::TextBrowserInteraction);
    text->setWordWrap(true);
    text->setObjectName(label);
    form_->addRow("<b>" + label + ":</b>", text);
    return text;
}

void SummaryView::clearRows() {
    jump_->setParent(this); // kept across the removal of the row holding it
    jump_->hide();
    while (form_->rowCount() > 0)
        form_->removeRow(0);
    infoWarnings_.clear();
    extraWarnings_.clear();
    showWarnings();
}

void SummaryView::clear() {
    clearRows();
    field("Dump", "(none: File > Open, or drop a dump on the window)");
}

void SummaryView::setInfo(const std::optional<model::DumpInfo>& info, const QString& error) {
    clearRows();
    if (!info) {
        field("Error", error);
        return;
    }
    const auto& i = *info;
    field("Panic", i.panicMessage.empty() ? "(no panic message in the log)"
                                          : "\"" + qs(i.panicMessage).toHtmlEscaped() + "\"");
    field("Panic CPU", i.panicCpu ? QString::number(*i.panicCpu) : "unknown");
    if (i.crashingTask) {
        auto* row = new QWidget;
        auto* line = new QHBoxLayout(row);
        line->setContentsMargins(0, 0, 0, 0);
        auto* link = new QLabel(
            QString("<a href=\"crashing\">%1 (%2)</a> task %3")
                .arg(i.crashingTask->pid)
                .arg(qs(i.crashingTask->comm).toHtmlEscaped(), qs(hex16(i.crashingTask->address))));
        link->setObjectName("Crashing task");
        link->setTextInteractionFlags(Qt::TextBrowserInteraction);
        connect(link, &QLabel::linkActivated, this, &SummaryView::crashingTaskRequested);
        line->addWidget(link);
        line->addWidget(jump_);
        jump_->show();
        line->addStretch(1);
        form_->addRow("<b>Crashing task:</b>", row);
    } else {
        field("Crashing task", "unknown");
    }
    field("Release", qs(i.release));
    field("Version", qs(i.version));
    field("Machine", qs(i.machine) + ", " + QString::number(i.cpus) + " CPUs");
    field("Uptime", i.uptimeSeconds ? uptimeText(*i.uptimeSeconds) : "unknown");
    field("Format", qs(i.format));
    field("Dump", qs(i.dumpPath).toHtmlEscaped());
    field("Vmlinux", qs(i.vmlinuxPath).toHtmlEscaped());
    field("KASLR offset", qs(hex(i.kaslrOffset)));
    for (const auto& w : i.warnings)
        infoWarnings_ << qs(w.text);
    showWarnings();
}

void SummaryView::setExtraWarnings(const QStringList& warnings) {
    extraWarnings_ = warnings;
    showWarnings();
}

void SummaryView::showWarnings() {
    QStringList all = infoWarnings_ + extraWarnings_;
    all.removeDuplicates();
    warnings_->setVisible(!all.isEmpty());
    QString html = "<b>Warnings:</b><ul>";
    for (const QString& w : all)
        html += "<li>" + w.toHtmlEscaped() + "</li>";
    warnings_->setText(html + "</ul>");
}

QString SummaryView::fieldText(const QString& label) const {
    auto* text = findChild<QLabel*>(label);
    return text ? text->text() : QString();
}

} // namespace panicscope::gui
