// The crash as `panicscope triage` reports it: title and signature (with what it was made from),
// kind, message, CPU, task, context, fault address, guilty frame and module, taint; the frames
// below the reporting machinery (a click shows one in the stack view), a hung task's blocked
// tasks, earlier reports, and the sections triage rules added (plugins' too) shown generically.
// The report comes from core (triage::triageDump with the window's plugin registry), made on a
// pool thread; the view only lays it out.
#pragma once

#include "model/session.h"
#include "plugin/registry.h"
#include "triage/crash_report.h"

#include <QWidget>

#include <memory>
#include <optional>

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace panicscope::gui {

class TriageView : public QWidget {
    Q_OBJECT
  public:
    // The data a frame row carries: the task_struct of the stack it is in, and its index there.
    enum Role { TaskAddressRole = Qt::UserRole + 1, FrameIndexRole, PidRole };

    explicit TriageView(QWidget* parent = nullptr);
    // Triages the dump with the registry's rules off the GUI thread; loaded() when it is shown.
    void triage(std::shared_ptr<const model::Session> session,
                std::shared_ptr<const plugin::Registry> registry);
    void clear(const QString& message);

    const std::optional<triage::CrashReport>& report() const { return report_; }
    // Why triage failed (the Error's message), empty when it did not.
    QString error() const { return error_; }
    // The line above the report: what is going on, or the error (rich text).
    QString message() const;
    // A report field's text as shown ("Title", "Signature", "Kind", "Guilty", ...).
    QString fieldText(const QString& label) const;
    // The top-level item of a triage rule's section, by its title; null when there is none.
    QTreeWidgetItem* sectionItem(const QString& title) const;
    QTreeWidget* reportTree() const { return facts_; }
    QTreeWidget* framesTree() const { return frames_; }

  signals:
    void loaded(); // a report, or the error that stopped it, is shown
    // A cut frame or a blocked task's frame was clicked: frame `frame` (an index into
    // Session::backtrace's frames) of the task at `taskAddress`, or when that is 0 (a blocked
    // task: the report names it by pid) of the task `pid`.
    void frameRequested(quint64 taskAddress, int pid, quint64 frame);
    void pidRequested(int pid); // a blocked task's row was clicked

  private:
    void showReport(const triage::CrashReport& report);
    void showError(const QString& message);
    void fillHeadline(const triage::CrashReport& r);
    void fillFacts(const triage::CrashReport& r);
    void fillSections(const triage::CrashReport& r);
    void fillOthers(const triage::CrashReport& r);
    void fillPlugins();
    void fillFrames(const triage::CrashReport& r);
    void fillBlocked(const triage::CrashReport& r);
    void addFact(QTreeWidgetItem* group, const QString& label, const QString& value);
    void onItemClicked(QTreeWidgetItem* item);

    std::shared_ptr<const plugin::Registry> registry_;
    std::optional<triage::CrashReport> report_;
    QString error_;
    uint64_t generation_ = 0; // drops the result of a triage overtaken by a newer dump
    QLabel* headline_;
    QLabel* status_;
    QTreeWidget* facts_;
    QTreeWidget* frames_;
};

} // namespace panicscope::gui
