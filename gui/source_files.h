// Source files under the source root (Settings > Source root): the debug info's paths resolved
// there, read once and kept. Thread-safe: the disassembly reads lines off the GUI thread.
#pragma once

#include <QString>
#include <QStringList>

#include <map>
#include <mutex>
#include <optional>

namespace panicscope::gui {

class SourceFiles {
  public:
    void setRoot(const QString& root);
    QString root() const;
    // Where `file` (as the line table names it: "arch/x86/kernel/irq.c", or an absolute build
    // path) is under the root; nullopt when no root is set or no such file exists.
    std::optional<QString> resolve(const QString& file) const;
    // The file's lines (empty when it cannot be read); line n is [n - 1].
    QStringList lines(const QString& file);

  private:
    mutable std::mutex lock_;
    QString root_;
    std::map<QString, QStringList> cache_; // by the debug info's path
};

} // namespace panicscope::gui
