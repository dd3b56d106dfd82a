#include "triage_view.h"

#include "async.h"
#include "triage/dump_triage.h"
#include "util/hex.h"

#include <nlohmann/json.hpp>

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace panicscope::gui {

namespace {

// A plugin's JSON is checked when it is added, not bounded: the tree shows this much of it.
constexpr int kMaxJsonDepth = 32;
constexpr int kMaxJsonItems = 2000;

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

QString joined(const std::vector<std::string>& parts, const QString& separator) {
    QStringList list;
    for (const auto& p : parts)
        list << qs(p);
    return list.join(separator);
}

// "psc_write [panicscope_crash]", as `triage` prints a frame.
QString frameText(const triage::TraceFrame& f) {
    return (f.function.empty() ? QString("(unknown)") : qs(f.function)) +
           (f.module ? " [" + qs(*f.module) + "]" : QString());
}

QTreeWidgetItem* group(QTreeWidget* tree, const QString& title) {
    auto* item = new QTreeWidgetItem(tree, {title});
    QFont bold = item->font(0);
    bold.setBold(true);
    item->setFont(0, bold);
    item->setFirstColumnSpanned(true);
    item->setExpanded(true);
    return item;
}

// A JSON value as tree items: objects by key, arrays by index, scalars as their JSON text.
void addJson(QTreeWidgetItem* parent, const QString& key, const nlohmann::ordered_json& value,
             int depth, int& budget) {
    if (--budget < 0) return;
    auto* item = new QTreeWidgetItem(parent, {key});
    if (!value.is_structured()) {
        item->setText(1, value.is_string() ? qs(value.get<std::string>()) : qs(value.dump()));
        return;
    }
    item->setText(1, value.is_object() ? QString("{%1}").arg(value.size())
                                       : QString("[%1]").arg(value.size()));
    if (depth >= kMaxJsonDepth) return;
    size_t index = 0;
    for (auto it = value.begin(); it != value.end() && budget > 0; ++it, ++index)
        addJson(item, value.is_object() ? qs(it.key()) : QString("[%1]").arg(index), *it, depth + 1,
                budget);
    item->setExpanded(depth < 2);
}

// The timekeeper's wall clock as `triage --json` writes it: "2026-12-02T03:15:01Z".
QString crashTimeText(int64_t seconds) {
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(Qt::ISODate);
}

} // namespace

TriageView::TriageView(QWidget* parent)
    : QWidget(parent), headline_(new QLabel), status_(new QLabel), facts_(new QTreeWidget),
      frames_(new QTreeWidget) {
    headline_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    headline_->setWordWrap(true);
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    facts_->setHeaderLabels({"Report", "Value"});
    frames_->setHeaderLabels({"Frames", "Context"});
    for (QTreeWidget* tree : {facts_, frames_}) {
        tree->setAllColumnsShowFocus(true);
        tree->setUniformRowHeights(true);
        tree->header()->setStretchLastSection(true);
    }
    frames_->setToolTip("click a frame to see it in the stack view");
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(facts_);
    split->addWidget(frames_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->addWidget(headline_);
    layout->addWidget(status_);
    layout->addWidget(split, 1);
    connect(frames_, &QTreeWidget::itemClicked, this, &TriageView::onItemClicked);
    connect(frames_, &QTreeWidget::itemActivated, this, &TriageView::onItemClicked);
    clear("Open a dump to see its triage.");
}

void TriageView::clear(const QString& message) {
    ++generation_;
    report_.reset();
    error_.clear();
    headline_->clear();
    headline_->hide();
    status_->setText(message);
    status_->show();
    facts_->clear();
    frames_->clear();
}

void TriageView::triage(std::shared_ptr<const model::Session> session,
                        std::shared_ptr<const plugin::Registry> registry) {
    clear("Triaging the crash...");
    registry_ = registry;
    const uint64_t generation = generation_;
    runAsync(
        this,
        [session = std::move(session), registry = std::move(registry)] {
            // The session and the registry (its plugins' code) stay alive while it runs.
            return triage::triageDump(*session, *registry);
        },
        [this, generation](Result<triage::CrashReport> report) {
            if (generation != generation_) return; // another dump was opened since
            if (report)
                showReport(*report);
            else
                showError(qs(report.error().message));
            emit loaded();
        });
}

void TriageView::showError(const QString& message) {
    error_ = message;
    status_->setText("<b>Triage failed:</b> " + message.toHtmlEscaped());
    status_->show();
}

void TriageView::showReport(const triage::CrashReport& report) {
    report_ = report;
    status_->hide();
    fillHeadline(report);
    fillFacts(report);
    fillSections(report);
    fillOthers(report);
    fillPlugins();
    fillFrames(report);
    fillBlocked(report);
    for (QTreeWidget* tree : {facts_, frames_})
        tree->resizeColumnToContents(0);
}

void TriageView::fillHeadline(const triage::CrashReport& r) {
    headline_->setText(QString("<big><b>%1</b></big><br>signature <tt>%2</tt> from: %3 | %4 | %5")
                           .arg(qs(r.title).toHtmlEscaped(), qs(r.signature.hash),
                                qs(triage::crashKindKey(r.kind)), qs(r.title).toHtmlEscaped(),
                                joined(r.signature.frames, ", ").toHtmlEscaped()));
    headline_->setToolTip("the text hashed (FNV-1a 64):\n" + qs(r.signature.input));
    headline_->show();
}

void TriageView::addFact(QTreeWidgetItem* parent, const QString& label, const QString& value) {
    auto* item = new QTreeWidgetItem(parent, {label, value});
    item->setToolTip(1, value);
}

// The rows `triage` prints, in its order and words.
void TriageView::fillFacts(const triage::CrashReport& r) {
    auto* crash = group(facts_, "Crash");
    addFact(crash, "Title", qs(r.title));
    addFact(crash, "Kind", qs(triage::crashKindKey(r.kind)));
    addFact(crash, "Message", qs(r.message));
    if (r.panicMessage && *r.panicMessage != r.message)
        addFact(crash, "Panic", qs(*r.panicMessage));
    addFact(crash, "CPU", r.cpu ? QString::number(*r.cpu) : "unknown");
    addFact(crash, "Task",
            r.task ? QString("%1 (%2)").arg(r.task->pid).arg(qs(r.task->comm)) : "unknown");
    addFact(crash, "Context", qs(triage::crashContextKey(r.context)));
    if (r.faultAddress) addFact(crash, "Fault address", qs(hex(*r.faultAddress)));
    addFact(crash, "Guilty", r.guiltyFunction ? qs(*r.guiltyFunction) : "none found");
    if (r.guiltyFunction)
        addFact(crash, "Module", r.guiltyModule ? qs(*r.guiltyModule) : "(vmlinux)");
    if (r.taint) addFact(crash, "Taint", r.taint->empty() ? "none" : qs(*r.taint));
    addFact(crash, "Signature", qs(r.signature.hash));
    addFact(
        crash, "Signature from",
        QString("%1 | %2 | %3")
            .arg(qs(triage::crashKindKey(r.kind)), qs(r.title), joined(r.signature.frames, ", ")));
    if (r.crashTime) addFact(crash, "Crash time", crashTimeText(*r.crashTime));
    if (r.corrupted) addFact(crash, "Corrupted", "yes: " + joined(r.problems, "; "));
    if (r.claimedBy) addFact(crash, "Claimed by", qs(*r.claimedBy));
}

// Each section a triage rule added, whatever it holds: its fields, then its JSON as a tree.
void TriageView::fillSections(const triage::CrashReport& r) {
    for (const auto& s : r.sections) {
        auto* item = group(facts_, QString("Section: %1").arg(qs(s.title)));
        item->setData(0, Qt::UserRole, qs(s.title));
        item->setFirstColumnSpanned(false);
        item->setText(1, "from the triage rule " + qs(s.rule));
        for (const auto& [key, value] : s.fields)
            addFact(item, qs(key), qs(value));
        if (!s.json) continue;
        auto value = nlohmann::ordered_json::parse(*s.json, nullptr, false);
        if (value.is_discarded()) {
            addFact(item, "json", "(not valid JSON)");
            continue;
        }
        int budget = kMaxJsonItems;
        addJson(item, "json", value, 0, budget);
        if (budget < 0) addFact(item, "", QString("(only the first %1 values)").arg(kMaxJsonItems));
    }
}

void TriageView::fillOthers(const triage::CrashReport& r) {
    if (!r.earlier.empty()) {
        auto* earlier = group(facts_, QString("Earlier reports (%1)").arg(r.earlier.size()));
        for (const auto& e : r.earlier)
            addFact(earlier, qs(triage::crashKindKey(e.kind)),
                    QString("%1  (%2)").arg(qs(e.title), qs(e.signature)));
    }
    if (!r.warnings.empty()) {
        auto* warnings = group(facts_, QString("Warnings (%1)").arg(r.warnings.size()));
        for (const auto& w : r.warnings)
            addFact(warnings, "warning", qs(w));
    }
}

// Where the rules came from: the plugins loaded and the ones refused, as `plugins` lists them.
void TriageView::fillPlugins() {
    if (!registry_) return;
    auto* plugins = group(facts_, "Triage rules");
    plugins->setExpanded(false);
    for (const auto& p : registry_->plugins()) {
        if (p.triageRules.empty()) continue;
        const QString where = p.path.empty() ? "built in" : qs(p.path);
        addFact(plugins, qs(p.name), QString("%1 (%2)").arg(joined(p.triageRules, " "), where));
    }
    for (const auto& r : registry_->refused())
        addFact(plugins, "refused", QString("%1: %2").arg(qs(r.path), qs(r.reason)));
    if (!registry_->refused().empty()) plugins->setExpanded(true);
}

void TriageView::fillFrames(const triage::CrashReport& r) {
    const auto& origin = r.framesOrigin;
    auto* top = group(
        frames_,
        origin ? QString("Frames of task %1, from the guilty one down").arg(r.framesOrigin->pid)
               : QString("Frames, from the guilty one down"));
    for (size_t i = 0; i < r.frames.size(); ++i) {
        const auto& f = r.frames[i];
        auto* item =
            new QTreeWidgetItem(top, {frameText(f), qs(triage::crashContextKey(f.section))});
        if (f.startsContext) item->setToolTip(0, "the first frame of an interrupted context");
        if (!origin) continue; // the log's Call Trace: no stack in the dump to show it in
        item->setData(0, TaskAddressRole, QVariant::fromValue<quint64>(origin->taskAddress));
        item->setData(0, PidRole, origin->pid);
        item->setData(0, FrameIndexRole, QVariant::fromValue<quint64>(origin->firstFrame + i));
    }
}

// A hung task's D-state tasks, each with its stack; their frames are named from the top of the
// task's stack, so a frame's index is its index there.
void TriageView::fillBlocked(const triage::CrashReport& r) {
    if (r.blockedTasks.empty()) return;
    auto* top = group(frames_, QString("Blocked tasks (%1)").arg(r.blockedTasks.size()));
    for (const auto& t : r.blockedTasks) {
        auto* task = new QTreeWidgetItem(top, {QString("%1 (%2)").arg(t.pid).arg(qs(t.comm)),
                                               QString("state %1").arg(QChar(t.state))});
        task->setData(0, PidRole, t.pid);
        for (size_t i = 0; i < t.frames.size(); ++i) {
            auto* frame = new QTreeWidgetItem(task, {qs(t.frames[i])});
            frame->setData(0, TaskAddressRole, QVariant::fromValue<quint64>(0));
            frame->setData(0, PidRole, t.pid);
            frame->setData(0, FrameIndexRole, QVariant::fromValue<quint64>(i));
        }
        task->setExpanded(r.blockedTasks.size() <= 4);
    }
}

void TriageView::onItemClicked(QTreeWidgetItem* item) {
    if (!item) return;
    const QVariant frame = item->data(0, FrameIndexRole);
    const QVariant pid = item->data(0, PidRole);
    if (frame.isValid())
        emit frameRequested(item->data(0, TaskAddressRole).value<quint64>(), pid.toInt(),
                            frame.value<quint64>());
    else if (pid.isValid())
        emit pidRequested(pid.toInt());
}

QString TriageView::message() const {
    return status_->isVisibleTo(this) ? status_->text() : QString();
}

QString TriageView::fieldText(const QString& label) const {
    for (int g = 0; g < facts_->topLevelItemCount(); ++g) {
        const QTreeWidgetItem* group = facts_->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i)
            if (group->child(i)->text(0) == label) return group->child(i)->text(1);
    }
    return {};
}

QTreeWidgetItem* TriageView::sectionItem(const QString& title) const {
    for (int g = 0; g < facts_->topLevelItemCount(); ++g)
        if (facts_->topLevelItem(g)->data(0, Qt::UserRole).toString() == title)
            return facts_->topLevelItem(g);
    return nullptr;
}

} // namespace panicscope::gui
