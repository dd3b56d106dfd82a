// The dump's facts as `info` gives them (release, machine, CPUs, format, panic, crashing task,
// uptime, warnings), with a way to the crashing task's stack.
#pragma once

#include "model/values.h"

#include <QWidget>

class QFormLayout;
class QLabel;
class QPushButton;

namespace panicscope::gui {

class SummaryView : public QWidget {
    Q_OBJECT
  public:
    explicit SummaryView(QWidget* parent = nullptr);
    // `error`: why the facts could not be read (info() failed).
    void setInfo(const std::optional<model::DumpInfo>& info, const QString& error);
    // Warnings that came later (task list, log, unwinding).
    void setExtraWarnings(const QStringList& warnings);
    void clear();
    QString fieldText(const QString& label) const;

  signals:
    void crashingTaskRequested();

  private:
    QLabel* field(const QString& label, const QString& value);
    void clearRows();
    void showWarnings();

    QFormLayout* form_;
    QPushButton* jump_;
    QLabel* warnings_;
    QStringList infoWarnings_, extraWarnings_;
};

} // namespace panicscope::gui
