#include "log_model.h"

#include "kernel/log_record.h"

namespace panicscope::gui {

namespace {
const char* const kLevels[] = {"emerg",   "alert",  "crit", "err",
                               "warning", "notice", "info", "debug"};
} // namespace

void LogModel::setLog(std::vector<model::LogRecord> records) {
    beginResetModel();
    records_ = std::move(records);
    lines_.clear();
    for (size_t r = 0; r < records_.size(); ++r)
        // The CLI's lines, split at the end of their "[   time] " prefix.
        for (const std::string& line : kernel::formatLogLines(records_[r])) {
            const size_t end = line.find("] ");
            const QString text = QString::fromStdString(line);
            lines_.push_back({r, text.left(qsizetype(end + 1)), text.mid(qsizetype(end + 2))});
        }
    endResetModel();
}

int LogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(lines_.size());
}

int LogModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LogModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const Line& line = lines_[size_t(index.row())];
    const model::LogRecord& r = records_[line.record];
    switch (role) {
    case LevelRole:
        return r.level;
    case CallerRole:
        return QVariant::fromValue<quint32>(r.callerId);
    case RecordRole:
        return QVariant::fromValue(line.record);
    case Qt::ToolTipRole:
        if (index.column() == Caller)
            return r.callerId & kCpuCaller ? QString("printed on CPU %1 outside task context")
                                                 .arg(r.callerId & ~kCpuCaller)
                                           : QString("printed by pid %1").arg(r.callerId);
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case Time:
        return line.time;
    case Level:
        return r.level >= 0 && r.level < 8 ? QString("%1 %2").arg(r.level).arg(kLevels[r.level])
                                           : QString::number(r.level);
    case Caller:
        // As printk's caller field: T<pid>, or C<cpu> outside task context.
        return r.callerId & kCpuCaller ? QString("C%1").arg(r.callerId & ~kCpuCaller)
                                       : QString("T%1").arg(r.callerId);
    case Text:
        return line.text;
    default:
        return {};
    }
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* const names[] = {"Time", "Level", "Caller", "Text"};
    return section >= 0 && section < ColumnCount ? QString(names[section]) : QVariant();
}

void LogFilter::setText(const QString& text) {
    text_ = text;
    invalidateFilter();
}

void LogFilter::setMaxLevel(int level) {
    maxLevel_ = level;
    invalidateFilter();
}

bool LogFilter::filterAcceptsRow(int row, const QModelIndex& parent) const {
    const QModelIndex text = sourceModel()->index(row, LogModel::Text, parent);
    if (maxLevel_ >= 0 && text.data(LogModel::LevelRole).toInt() > maxLevel_) return false;
    return text_.isEmpty() || text.data().toString().contains(text_, Qt::CaseInsensitive);
}

} // namespace panicscope::gui
