// The kernel log, one row per line as `panicscope log` prints it (a record with embedded
// newlines gives several), with each record's level and caller (the task or CPU that printed
// it); and the filter behind the log's search box and level menu.
#pragma once

#include "model/values.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include <vector>

namespace panicscope::gui {

class LogModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column { Time, Level, Caller, Text, ColumnCount };
    enum Role {
        LevelRole = Qt::UserRole + 1, // 0 (emerg) .. 7 (debug)
        CallerRole,                   // printk's caller id: a pid, or 0x80000000 | CPU
        RecordRole,                   // the record's index in the log
    };
    static constexpr uint32_t kCpuCaller = 0x80000000u;

    using QAbstractTableModel::QAbstractTableModel;

    void setLog(std::vector<model::LogRecord> records);
    const std::vector<model::LogRecord>& records() const { return records_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

  private:
    struct Line {
        size_t record;
        QString time; // "[    8.727927]"
        QString text;
    };
    std::vector<model::LogRecord> records_;
    std::vector<Line> lines_;
};

// Text (any case) and "at most this level" (-1: all).
class LogFilter : public QSortFilterProxyModel {
    Q_OBJECT
  public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setText(const QString& text);
    void setMaxLevel(int level);

  protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override;

  private:
    QString text_;
    int maxLevel_ = -1;
};

} // namespace panicscope::gui
