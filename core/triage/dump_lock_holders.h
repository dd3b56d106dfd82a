// Lock holders of a hung task from the dump itself, without lockdep: for each blocked task that
// sleeps in mutex_lock(), the mutex and its owner (Session::mutexWait: the mutex_waiter on the
// task's stack, the mutex's owner checked against the task list), with the holder's state and
// stack. Holders the kernel named (blocker lines, lockdep) get their state and stack too.
#pragma once

#include "model/session.h"
#include "triage/crash_report.h"

namespace panicscope::triage {

// Appends to r.lockHolders (after the ones the log gave), from r.blockedTasks; what could not be
// read becomes a warning.
void addDumpLockHolders(const model::Session& session, CrashReport& r);

} // namespace panicscope::triage
