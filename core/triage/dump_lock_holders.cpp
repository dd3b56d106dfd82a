#include "triage/dump_lock_holders.h"

#include "triage/dump_triage.h"
#include "util/hex.h"

namespace panicscope::triage {

namespace {

// The blocked task's stack passes through mutex_lock() (mutex_lock, __mutex_lock.constprop.0,
// __mutex_lock_slowpath, mutex_lock_interruptible, ...).
bool inMutexLock(const RelatedTask& task) {
    for (const auto& f : task.frames)
        if (f.find("mutex_lock") != std::string::npos) return true;
    return false;
}

// What the lock is, as `kmem ADDR` says: "psc_mutex [panicscope_crash]", "some_var+0x40", or
// in a slab object "kmalloc-512+0x40"; nullopt when none of these.
std::optional<std::string> lockName(const model::Session& session, uint64_t address) {
    auto where = session.describeAddress(address);
    if (!where) return std::nullopt;
    std::string name;
    if (where->symbol && !where->symbol->empty()) {
        name = *where->symbol;
        if (where->symbolOffset) name += "+" + hex(where->symbolOffset);
    } else if (where->slab) {
        name = where->slab->cache;
        if (address != where->slab->object) name += "+" + hex(address - where->slab->object);
    } else {
        return std::nullopt;
    }
    if (where->module) name += " [" + *where->module + "]";
    return name;
}

void describeHolder(const model::Session& session, const model::TaskRow& owner, LockHolder& h) {
    h.holder = LockTask{owner.pid, owner.comm};
    h.holderState = owner.state;
    if (auto trace = session.backtrace(owner, {})) h.holderFrames = traceFrames(*trace);
}

std::string taskText(const RelatedTask& t) {
    return "blocked task " + std::to_string(t.pid) + " (" + t.comm + ")";
}

// The mutex `blocked` sleeps on and its holder, or a warning saying why not.
void addMutexHolder(const model::Session& session, const model::TaskRow& task,
                    const RelatedTask& blocked, CrashReport& r) {
    auto wait = session.mutexWait(task);
    if (!wait) {
        r.warnings.push_back(taskText(blocked) + ": its mutex: " + wait.error().message);
        return;
    }
    if (!*wait) {
        r.warnings.push_back(taskText(blocked) +
                             " sleeps in mutex_lock() but no mutex_waiter of it is on its stack");
        return;
    }
    const model::MutexWaitInfo& w = **wait;
    LockHolder h;
    h.source = "dump";
    h.lockType = "mutex";
    h.lockAddress = w.mutex;
    h.lockName = lockName(session, w.mutex);
    h.waiter = LockTask{task.pid, task.comm};
    if (w.owner)
        describeHolder(session, *w.owner, h);
    else if (w.ownerAddress)
        r.warnings.push_back("mutex " + hex(w.mutex) + " of " + taskText(blocked) + ": its owner " +
                             hex(w.ownerAddress) + " is no task of the task list");
    r.lockHolders.push_back(std::move(h));
}

} // namespace

void addDumpLockHolders(const model::Session& session, CrashReport& r) {
    if (r.blockedTasks.empty() && r.lockHolders.empty()) return;
    auto table = session.tasks();
    if (!table) return;
    auto byPid = [&](int32_t pid) -> const model::TaskRow* {
        for (const auto& t : table->tasks)
            if (t.pid == pid && pid != 0) return &t;
        return nullptr;
    };
    for (auto& h : r.lockHolders) // named by the kernel: the state and stack are the dump's
        if (h.holder && h.holderFrames.empty())
            if (const model::TaskRow* t = byPid(h.holder->pid)) describeHolder(session, *t, h);
    for (const auto& blocked : r.blockedTasks) {
        if (r.lockHolders.size() >= kMaxLockHolders) break;
        if (!inMutexLock(blocked)) continue;
        if (const model::TaskRow* task = byPid(blocked.pid))
            addMutexHolder(session, *task, blocked, r);
    }
}

} // namespace panicscope::triage
