#include "task_filter.h"

#include "task_columns.h"

#include <QRegularExpression>

namespace panicscope::gui {

namespace {
const QString kStates = QStringLiteral("RSDTtXZPI");
const QStringList kStatuses = {"complete", "truncated", "unreliable", "loop", "too-deep"};
} // namespace

TaskQuery TaskQuery::parse(const QString& text) {
    TaskQuery q;
    QString rest = text.simplified();
    // "on CPU" is two words; take it out before splitting.
    static const QRegularExpression onCpu(QStringLiteral("\\bon[ -]?cpu\\b"),
                                          QRegularExpression::CaseInsensitiveOption);
    if (rest.contains(onCpu)) {
        q.onCpu = true;
        rest.remove(onCpu);
    }
    for (const QString& word : rest.split(' ', Qt::SkipEmptyParts)) {
        bool number = false;
        const int pid = word.toInt(&number);
        if (number) {
            q.pids.append(pid);
        } else if (word.size() == 1 && kStates.contains(word[0])) {
            q.states += word[0];
        } else if (word.size() == 1 && kStates.contains(word[0].toUpper())) {
            q.states += word[0].toUpper();
        } else if (kStatuses.contains(word.toLower())) {
            q.statuses.append(word.toLower());
        } else if (word.compare("crashing", Qt::CaseInsensitive) == 0 || word == "*") {
            q.crashing = true;
        } else {
            q.words.append(word);
        }
    }
    return q;
}

bool TaskQuery::empty() const {
    return pids.isEmpty() && states.isEmpty() && !onCpu && !crashing && statuses.isEmpty() &&
           words.isEmpty();
}

bool TaskQuery::matches(int pid, int tgid, const QString& comm, QChar state, bool isOnCpu,
                        bool isCrashing, const QString& status) const {
    for (int p : pids)
        if (p != pid && p != tgid) return false;
    for (QChar s : states)
        if (s != state) return false;
    if ((onCpu && !isOnCpu) || (crashing && !isCrashing)) return false;
    for (const QString& s : statuses)
        if (s != status) return false;
    for (const QString& w : words)
        if (!comm.contains(w, Qt::CaseInsensitive)) return false;
    return true;
}

TaskFilter::TaskFilter(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(TaskSortRole);
    setRecursiveFilteringEnabled(true); // a tree shows the parents of what matches
}

void TaskFilter::setQuery(const QString& text) {
    query_ = TaskQuery::parse(text);
    invalidateFilter();
}

bool TaskFilter::filterAcceptsRow(int row, const QModelIndex& parent) const {
    if (query_.empty()) return true;
    const QAbstractItemModel* m = sourceModel();
    auto cell = [&](int column) { return m->index(row, column, parent).data(); };
    const QString mark = cell(Mark).toString();
    const QString state = cell(State).toString();
    return query_.matches(cell(Pid).toInt(), cell(Tgid).toInt(), cell(Comm).toString(),
                          state.isEmpty() ? QChar() : state[0], !cell(OnCpu).toString().isEmpty(),
                          mark == "*", cell(StackStatus).toString());
}

} // namespace panicscope::gui
