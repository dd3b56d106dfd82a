#include "disassembly_view.h"

#include "async.h"
#include "source_files.h"
#include "util/hex.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QStyle>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace panicscope::gui {

namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

// "delay_tsc [module] (arch/x86/lib/delay.c)" for the function starting the listing.
QString titleOf(const model::Session& session, uint64_t start) {
    auto s = session.symbolize(start);
    if (!s) return qs(hex(start));
    QString title = qs(s->name) + " at " + qs(hex(s->symbolAddress));
    if (s->size) title += ", " + QString::number(s->size) + " bytes";
    if (s->module) title += " [" + qs(*s->module) + "]";
    if (s->file) title += "  (" + qs(*s->file) + ")";
    return title;
}

// The source line above each run of instructions from one line, when the root has the file.
std::vector<std::optional<QString>> sourceLines(const std::vector<model::CodeLine>& code,
                                                SourceFiles& sources) {
    std::vector<std::optional<QString>> out(code.size());
    if (sources.root().isEmpty()) return out;
    std::optional<std::string> file;
    std::optional<int> line;
    for (size_t i = 0; i < code.size(); ++i) {
        if (!code[i].file || !code[i].line || (code[i].file == file && code[i].line == line))
            continue;
        file = code[i].file;
        line = code[i].line;
        const QStringList text = sources.lines(qs(*file));
        if (*line >= 1 && *line <= text.size())
            out[i] =
                QString("%1:%2    %3").arg(qs(*file)).arg(*line).arg(text[*line - 1].trimmed());
    }
    return out;
}

} // namespace

struct DisassemblyView::Listing {
    uint64_t generation = 0;
    QString title, error;
    std::vector<model::CodeLine> code;
    std::vector<std::optional<QString>> sourceBefore;
    std::optional<uint64_t> highlight;
};

DisassemblyView::DisassemblyView(std::shared_ptr<SourceFiles> sources, QWidget* parent)
    : QWidget(parent), sources_(std::move(sources)), model_(new DisassemblyModel(this)),
      view_(new QTreeView), title_(new QLabel), back_(new QToolButton) {
    view_->setModel(model_);
    view_->setRootIsDecorated(false);
    view_->setUniformRowHeights(true);
    view_->setAllColumnsShowFocus(true);
    view_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view_->header()->setSectionResizeMode(QHeaderView::Interactive);
    view_->header()->setStretchLastSection(true);
    back_->setIcon(style()->standardIcon(QStyle::SP_ArrowBack));
    back_->setToolTip("Back to the function shown before (Alt+Left)");
    back_->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Left));
    back_->setEnabled(false);
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* top = new QHBoxLayout;
    top->addWidget(back_);
    top->addWidget(title_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(view_);
    connect(back_, &QToolButton::clicked, this, &DisassemblyView::back);
    // A click on a target follows it; Enter or a double click also opens a row's source line.
    connect(view_, &QTreeView::clicked, this, [this](const QModelIndex& index) {
        if (index.column() == DisassemblyModel::Target) activate(index);
    });
    connect(view_, &QTreeView::activated, this, &DisassemblyView::activate);
    clear();
}

void DisassemblyView::setSession(std::shared_ptr<const model::Session> session) {
    session_ = std::move(session);
    history_.clear();
    clear();
}

void DisassemblyView::clear() {
    ++generation_;
    shown_.reset();
    model_->clear();
    back_->setEnabled(!history_.empty());
    title_->setText("Select a frame to see its function's code.");
}

QString DisassemblyView::title() const {
    return title_->text();
}

void DisassemblyView::showFrame(const unwind::Frame& frame) {
    history_.clear();
    if (frame.userMode) {
        clear();
        title_->setText("User-mode code is not in the vmlinux.");
        emit loaded();
        return;
    }
    // A return address may be the first byte of the next function: the call is before it.
    request(frame.codeAddress(), frame.codeAddress());
}

void DisassemblyView::showAddress(uint64_t address, bool remember) {
    if (remember && shown_) history_.push_back(*shown_);
    request(address, address);
}

void DisassemblyView::reload() {
    if (shown_) request(shown_->query, shown_->highlight);
}

void DisassemblyView::back() {
    if (history_.empty()) return;
    const Place place = history_.back();
    history_.pop_back();
    request(place.query, place.highlight);
}

void DisassemblyView::request(uint64_t query, std::optional<uint64_t> highlight) {
    back_->setEnabled(!history_.empty());
    if (!session_) return;
    shown_ = Place{query, highlight};
    const uint64_t generation = ++generation_;
    title_->setText("Disassembling the function at " + qs(hex(query)) + "...");
    runAsync(
        this,
        [session = session_, sources = sources_, query, highlight, generation] {
            Listing l;
            l.generation = generation;
            l.highlight = highlight;
            auto code = session->disassembleFunction(hex(query));
            if (!code) {
                l.error = qs(code.error().message);
                return l;
            }
            l.title = titleOf(*session, code->front().instruction.address);
            l.sourceBefore = sourceLines(*code, *sources);
            l.code = std::move(*code);
            return l;
        },
        [this](Listing l) {
            if (l.generation == generation_) show(l);
        });
}

void DisassemblyView::show(const Listing& l) {
    if (!l.error.isEmpty()) {
        model_->clear();
        title_->setText(l.error);
    } else {
        title_->setText(l.title);
        model_->setListing(l.code, l.sourceBefore, l.highlight);
        for (int row = 0; row < model_->rowCount(); ++row)
            view_->setFirstColumnSpanned(row, {}, model_->isSourceRow(row));
        for (int c = 0; c < DisassemblyModel::Source; ++c)
            view_->resizeColumnToContents(c);
        if (auto row = model_->highlightedRow()) {
            const QModelIndex at = model_->index(*row, 0);
            view_->setCurrentIndex(at);
            view_->scrollTo(at, QAbstractItemView::PositionAtCenter);
        }
    }
    emit loaded();
}

void DisassemblyView::activate(const QModelIndex& index) {
    if (!index.isValid()) return;
    const QVariant target = index.siblingAtColumn(0).data(DisassemblyModel::TargetRole);
    if (index.column() == DisassemblyModel::Target && target.isValid()) {
        const uint64_t address = target.value<quint64>();
        if (auto row = model_->rowOf(address)) { // a jump inside the function: just go there
            view_->setCurrentIndex(model_->index(*row, 0));
            view_->scrollTo(model_->index(*row, 0), QAbstractItemView::PositionAtCenter);
        } else {
            showAddress(address, true);
        }
        return;
    }
    const QVariant address = index.siblingAtColumn(0).data(DisassemblyModel::AddressRole);
    if (!address.isValid()) return;
    for (const auto& line : model_->code())
        if (line.instruction.address == address.value<quint64>() && line.file)
            emit sourceRequested(qs(*line.file), line.line.value_or(0));
}

} // namespace panicscope::gui
