// Runs the event loop until a condition holds (or a timeout passes): the GUI's results arrive
// as queued calls, so a test waits in the event loop as the window would.
#pragma once

#include <QElapsedTimer>
#include <QTest>

#include <functional>

namespace panicscope::gui::testing {

inline bool waitUntil(const std::function<bool()>& done, int timeoutMs = 120000) {
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > timeoutMs) return false;
        QTest::qWait(5);
    }
    return true;
}

} // namespace panicscope::gui::testing
