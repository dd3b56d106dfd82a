#include "source_files.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

namespace panicscope::gui {

void SourceFiles::setRoot(const QString& root) {
    std::lock_guard hold(lock_);
    root_ = root;
    cache_.clear();
}

QString SourceFiles::root() const {
    std::lock_guard hold(lock_);
    return root_;
}

std::optional<QString> SourceFiles::resolve(const QString& file) const {
    const QString base = root();
    if (base.isEmpty() || file.isEmpty()) return std::nullopt;
    const QDir dir(base);
    // A path relative to the kernel tree, or an absolute build path whose tail is in the tree:
    // try dropping leading directories until a file under the root matches.
    QStringList parts = QDir::cleanPath(file).split('/', Qt::SkipEmptyParts);
    while (!parts.isEmpty()) {
        const QString candidate = dir.filePath(parts.join('/'));
        if (QFileInfo(candidate).isFile()) return candidate;
        parts.removeFirst();
    }
    return std::nullopt;
}

QStringList SourceFiles::lines(const QString& file) {
    {
        std::lock_guard hold(lock_);
        if (auto it = cache_.find(file); it != cache_.end()) return it->second;
    }
    QStringList text;
    if (auto path = resolve(file)) {
        QFile f(*path);
        if (f.open(QIODevice::ReadOnly | QIODevice::Text)) {
            QTextStream in(&f);
            while (!in.atEnd())
                text.append(in.readLine());
        }
    }
    std::lock_guard hold(lock_);
    cache_[file] = text;
    return text;
}

} // namespace panicscope::gui
