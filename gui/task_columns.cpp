#include "task_columns.h"

#include "util/hex.h"

#include <QGuiApplication>
#include <QPalette>

namespace panicscope::gui {

QString taskMark(const model::TaskRow& task) {
    return task.crashing ? QStringLiteral("*") : task.onCpu ? QStringLiteral(">") : QString();
}

namespace {

QVariant display(const model::TaskRow& t, const QString& status, int column) {
    switch (column) {
    case Mark:
        return taskMark(t);
    case Pid:
        return t.pid;
    case Tgid:
        return t.tgid;
    case Ppid:
        return t.ppid;
    case Comm: {
        const QString comm = QString::fromStdString(t.comm);
        return t.kernelThread ? "[" + comm + "]" : comm; // as ps brackets kernel threads
    }
    case State:
        return QString(QChar(t.state));
    case Cpu:
        return t.cpu;
    case OnCpu:
        return t.onCpu ? QStringLiteral("on CPU") : QString();
    case StackStatus:
        return status;
    default:
        return {};
    }
}

QString tooltip(const model::TaskRow& t, int column) {
    if (column == Mark && t.crashing) return "the crashing task (the panic CPU's current task)";
    if (column == Mark && t.onCpu) return "CPU " + QString::number(t.cpu) + "'s current task";
    return "task_struct " + QString::fromStdString(hex16(t.address)) +
           (t.kernelThread ? ", kernel thread" : "");
}

} // namespace

QVariant taskCell(const model::TaskRow& t, const QString& status, int column, int role) {
    switch (role) {
    case Qt::DisplayRole:
        return display(t, status, column);
    case TaskSortRole:
        if (column == Mark) return t.crashing ? 2 : t.onCpu ? 1 : 0;
        return display(t, status, column);
    case Qt::ToolTipRole:
        return tooltip(t, column);
    case Qt::TextAlignmentRole:
        if (column == Pid || column == Tgid || column == Ppid || column == Cpu)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        if (column == Mark || column == State)
            return QVariant::fromValue(Qt::AlignCenter | Qt::AlignVCenter);
        return {};
    case Qt::ForegroundRole:
        // A stack that did not end cleanly stands out, in the palette's own link color.
        if (column == StackStatus && !status.isEmpty() && status != "complete")
            return QGuiApplication::palette().color(QPalette::LinkVisited);
        return {};
    default:
        return {};
    }
}

QVariant taskHeader(int column, int role) {
    if (role == Qt::ToolTipRole && column == StackStatus)
        return "how the unwind of the task's stack ended (empty until it is unwound)";
    if (role != Qt::DisplayRole) return {};
    static const char* const names[] = {"",   "PID", "TGID",   "PPID", "Command",
                                        "St", "CPU", "On CPU", "Stack"};
    return column >= 0 && column < TaskColumnCount ? QString(names[column]) : QString();
}

} // namespace panicscope::gui
