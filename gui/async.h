// Requests to the Session that may take a while (disassembly, memory, one backtrace) run on the
// global thread pool, so the event loop never waits for the dump.
#pragma once

#include <QCoreApplication>
#include <QPointer>
#include <QThreadPool>

#include <memory>
#include <utility>

namespace panicscope::gui {

// Runs `work()` on a pool thread and then `done(result)` on the GUI thread, unless `context` is
// gone by then. The result travels through qApp, which outlives every view, so a view deleted
// while its request runs is never touched from another thread.
template <class Work, class Done> void runAsync(QObject* context, Work work, Done done) {
    QPointer<QObject> guard(context);
    QThreadPool::globalInstance()->start(
        [guard, work = std::move(work), done = std::move(done)]() mutable {
            auto result = std::make_shared<decltype(work())>(work());
            QMetaObject::invokeMethod(
                qApp,
                [guard, done = std::move(done), result] {
                    if (guard) done(std::move(*result));
                },
                Qt::QueuedConnection);
        });
}

} // namespace panicscope::gui
