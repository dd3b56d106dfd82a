#include "memory_view.h"

#include "async.h"
#include "util/hex.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <cstring>

namespace panicscope::gui {

namespace {

constexpr uint64_t kBefore = 0x40; // bytes shown before the marked address
constexpr size_t kLength = 0x200;
// Kernel addresses start here on x86-64: only such words are worth symbolizing.
constexpr uint64_t kKernelHalf = 0xffff800000000000;

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

} // namespace

struct MemoryView::Words {
    uint64_t generation = 0;
    QString error;
    model::MemoryBlock block;
    std::vector<QString> symbols;
    std::optional<uint64_t> mark;
    QString label;
};

MemoryView::MemoryView(QWidget* parent)
    : QWidget(parent), model_(new MemoryModel(this)), view_(new QTreeView), address_(new QLineEdit),
      status_(new QLabel) {
    view_->setModel(model_);
    view_->setRootIsDecorated(false);
    view_->setUniformRowHeights(true);
    view_->setAllColumnsShowFocus(true);
    view_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view_->header()->setStretchLastSection(true);
    address_->setPlaceholderText("address (hex) or symbol");
    address_->setClearButtonEnabled(true);
    auto* go = new QPushButton("Go");
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel("Address:"));
    top->addWidget(address_, 1);
    top->addWidget(go);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(status_);
    layout->addWidget(view_);
    connect(go, &QPushButton::clicked, this, &MemoryView::go);
    connect(address_, &QLineEdit::returnPressed, this, &MemoryView::go);
}

void MemoryView::setSession(std::shared_ptr<const model::Session> session) {
    session_ = std::move(session);
    ++generation_;
    model_->clear();
    status_->clear();
}

void MemoryView::showAround(uint64_t address, const QString& label) {
    address &= ~uint64_t(7);
    request(address >= kBefore ? address - kBefore : 0, address, label);
}

void MemoryView::go() {
    const QString text = address_->text().trimmed();
    if (!session_ || text.isEmpty()) return;
    if (auto address = parseHex(text.toStdString())) {
        showAround(*address, "here");
        return;
    }
    // A symbol name: the lookup reads the symbol table, which is quick.
    auto symbol = session_->lookupSymbol(text.toStdString());
    if (!symbol) {
        status_->setText(qs(symbol.error().message));
        return;
    }
    request(symbol->address & ~uint64_t(15), symbol->address, qs(symbol->name));
}

void MemoryView::request(uint64_t start, std::optional<uint64_t> mark, const QString& label) {
    if (!session_) return;
    const uint64_t generation = ++generation_;
    status_->setText("Reading " + qs(hex(start)) + "...");
    runAsync(
        this,
        [session = session_, start, mark, label, generation] {
            Words w{generation, {}, {}, {}, mark, label};
            auto block = session->readMemory(start, kLength);
            if (!block) {
                w.error = qs(block.error().message);
                return w;
            }
            for (size_t at = 0; at + 8 <= block->bytes.size(); at += 8) {
                uint64_t word = 0;
                std::memcpy(&word, block->bytes.data() + at, 8);
                QString name;
                if (word >= kKernelHalf && block->present(block->address + at))
                    if (auto s = session->symbolize(word); s && s->isFunction)
                        name = qs(s->name) + "+" + qs(hex(s->offset)) +
                               (s->module ? " [" + qs(*s->module) + "]" : "");
                w.symbols.push_back(name);
            }
            w.block = std::move(*block);
            return w;
        },
        [this](Words w) {
            if (w.generation != generation_) return;
            if (!w.error.isEmpty()) {
                status_->setText(w.error);
                status_->show();
            } else {
                status_->setText(w.block.missing.empty()
                                     ? QString()
                                     : "Parts are not in the dump: " +
                                           qs(w.block.missingReason.value_or("")));
                status_->setVisible(!status_->text().isEmpty());
                model_->setMemory(std::move(w.block), std::move(w.symbols), w.mark, w.label);
                for (int c = 0; c < MemoryModel::Symbol; ++c)
                    view_->resizeColumnToContents(c);
                if (auto row = model_->markedRow())
                    view_->scrollTo(model_->index(*row, 0), QAbstractItemView::PositionAtCenter);
            }
            emit loaded();
        });
}

} // namespace panicscope::gui
