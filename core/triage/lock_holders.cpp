#include "triage/lock_holders.h"

#include "triage/report_lines.h"

#include <charconv>

namespace panicscope::triage {

namespace {

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

bool cutSuffix(std::string_view& s, std::string_view suffix) {
    if (!s.ends_with(suffix)) return false;
    s.remove_suffix(suffix.size());
    return true;
}

// " <reader>" or " <writer>" at the end of `s`, cut off and returned.
std::string cutRole(std::string_view& s) {
    for (std::string_view role : {"reader", "writer"})
        if (cutSuffix(s, " <" + std::string(role) + ">")) return std::string(role);
    return {};
}

std::optional<LockTask> commPid(std::string_view text) {
    LockTask t;
    if (!splitCommPid(trimmed(text), t.comm, t.pid)) return std::nullopt;
    return t;
}

// "COMM/PID" as lockdep prints a task.
std::optional<LockTask> commSlashPid(std::string_view text) {
    const size_t slash = text.rfind('/');
    if (slash == std::string_view::npos) return std::nullopt;
    LockTask t;
    const std::string_view digits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), t.pid);
    if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    t.comm = std::string(text.substr(0, slash));
    return t;
}

} // namespace

std::optional<LockHolder> parseBlockerLine(std::string_view line) {
    std::string_view t = trimmed(line);
    constexpr std::string_view kStart = "INFO: task ";
    if (!t.starts_with(kStart)) return std::nullopt;
    const size_t blocked = t.find(" blocked on a");
    if (blocked == std::string_view::npos) return std::nullopt;
    LockHolder h;
    h.source = "hung_task";
    std::string_view waiter = t.substr(kStart.size(), blocked - kStart.size());
    if (!cutSuffix(waiter, " is")) h.waiterRole = cutRole(waiter);
    auto w = commPid(waiter);
    if (!w) return std::nullopt;
    h.waiter = *w;
    std::string_view rest = t.substr(blocked + 12); // after " blocked on "
    if (rest.starts_with("a mutex"))
        h.lockType = "mutex";
    else if (rest.starts_with("a semaphore"))
        h.lockType = "semaphore";
    else if (rest.starts_with("an rw-semaphore"))
        h.lockType = "rw-semaphore";
    else
        return std::nullopt;
    if (rest.find(", but the ") != std::string_view::npos) {
        if (!rest.ends_with("not found.")) return std::nullopt;
        return h;
    }
    const size_t by = rest.find(" by task ");
    if (by == std::string_view::npos) return std::nullopt;
    std::string_view holder = rest.substr(by + 9);
    cutSuffix(holder, ".");
    h.holderRole = cutRole(holder);
    h.holder = commPid(holder);
    if (!h.holder) return std::nullopt;
    return h;
}

std::optional<TaskLocks> parseHeldLocksLine(std::string_view line) {
    std::string_view t = trimmed(line);
    TaskLocks locks;
    std::string_view task;
    if (t.starts_with("no locks held by ") && t.ends_with(".")) {
        task = t.substr(17, t.size() - 18);
    } else {
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), locks.count);
        if (ec != std::errc()) return std::nullopt;
        std::string_view rest(end, static_cast<size_t>(t.data() + t.size() - end));
        for (std::string_view words : {" locks held by ", " lock held by "})
            if (rest.starts_with(words)) task = rest.substr(words.size());
        if (task.empty() || !task.ends_with(":")) return std::nullopt;
        task.remove_suffix(1);
    }
    auto who = commSlashPid(task);
    if (!who) return std::nullopt;
    locks.task = *who;
    return locks;
}

std::optional<HeldLock> parseHeldLockLine(std::string_view line) {
    std::string_view t = trimmed(line);
    if (!t.starts_with("#")) return std::nullopt;
    const size_t colon = t.find(": ");
    if (colon == std::string_view::npos || colon < 2) return std::nullopt;
    for (char c : t.substr(1, colon - 1))
        if (c < '0' || c > '9') return std::nullopt;
    t = trimmed(t.substr(colon + 2));
    HeldLock lock;
    const size_t open = t.find('(');
    const size_t close = t.find("){");
    if (open == std::string_view::npos || close == std::string_view::npos || close < open)
        return std::nullopt;
    if (open > 0) {
        lock.address = parseHexNumber(t.substr(0, open));
        if (!lock.address) return std::nullopt;
    }
    lock.name = std::string(t.substr(open + 1, close - open - 1));
    std::string_view at = textAfter(t.substr(close), ", at: ");
    if (at.starts_with("[<")) { // older kernels: "at: [<ffffffff81234567>] func+0x1/0x2"
        const size_t end = at.find(">]");
        at = end == std::string_view::npos ? std::string_view() : trimmed(at.substr(end + 2));
    }
    lock.acquiredAt = std::string(at.substr(0, std::min(at.find('+'), at.find(' '))));
    return lock;
}

std::vector<LockHolder> holdersFromLockdep(const std::vector<TaskLocks>& held,
                                           const std::vector<int32_t>& blockedPids) {
    auto waitedOn = [&](const TaskLocks& t) -> const HeldLock* {
        if (t.locks.empty() || !t.locks.back().address) return nullptr;
        for (int32_t pid : blockedPids)
            if (pid == t.task.pid) return &t.locks.back();
        return nullptr;
    };
    std::vector<LockHolder> out;
    for (const auto& waiter : held) {
        const HeldLock* lock = waitedOn(waiter);
        if (!lock) continue;
        for (const auto& other : held) {
            if (other.task.pid == waiter.task.pid) continue;
            const HeldLock* othersWait = waitedOn(other);
            bool holds = false;
            for (const auto& l : other.locks)
                holds = holds || (l.address == lock->address && &l != othersWait);
            if (!holds) continue;
            LockHolder h;
            h.source = "lockdep";
            h.lockType = "lock";
            h.lockAddress = lock->address;
            h.lockName = lock->name;
            h.waiter = waiter.task;
            h.holder = other.task;
            out.push_back(std::move(h));
            break;
        }
        if (out.size() >= kMaxLockHolders) break;
    }
    return out;
}

void addLockdepHolders(std::vector<LockHolder>& holders, const std::vector<TaskLocks>& held,
                       const std::vector<int32_t>& blockedPids) {
    for (auto& h : holdersFromLockdep(held, blockedPids)) {
        bool named = false;
        for (const auto& known : holders)
            named = named || known.waiter.pid == h.waiter.pid;
        if (!named && holders.size() < kMaxLockHolders) holders.push_back(std::move(h));
    }
}

} // namespace panicscope::triage
