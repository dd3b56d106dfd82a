#include "report/triage_report.h"

#include "util/dump_text.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace panicscope::report {

using nlohmann::ordered_json;

namespace {

template <class T> ordered_json orNull(const std::optional<T>& v) {
    return v ? ordered_json(*v) : ordered_json(nullptr);
}

ordered_json framesJson(const std::vector<triage::TraceFrame>& frames) {
    ordered_json out = ordered_json::array();
    for (const auto& f : frames)
        out.push_back({{"function", f.function},
                       {"module", orNull(f.module)},
                       {"context", triage::crashContextKey(f.section)},
                       {"interrupted", f.startsContext}});
    return out;
}

std::string hexAddress(uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
    return text;
}

ordered_json sectionsJson(const std::vector<triage::ReportSection>& sections) {
    ordered_json out = ordered_json::array();
    for (const auto& s : sections) {
        ordered_json section = {{"title", s.title}, {"rule", s.rule}};
        ordered_json fields = ordered_json::object();
        for (const auto& [key, value] : s.fields)
            fields[key] = value;
        section["fields"] = fields;
        // Checked when the rule added it; a text that no longer parses is left out.
        if (s.json) {
            auto value = ordered_json::parse(*s.json, nullptr, false);
            section["json"] = value.is_discarded() ? ordered_json(nullptr) : std::move(value);
        }
        out.push_back(std::move(section));
    }
    return out;
}

ordered_json lockHoldersJson(const std::vector<triage::LockHolder>& holders) {
    auto role = [](const std::string& r) {
        return r.empty() ? ordered_json(nullptr) : ordered_json(r);
    };
    ordered_json out = ordered_json::array();
    for (const auto& h : holders) {
        ordered_json holder = nullptr;
        if (h.holder) {
            std::vector<std::string> frames;
            for (const auto& f : h.holderFrames)
                frames.push_back(f.function);
            holder = {{"pid", h.holder->pid},
                      {"comm", h.holder->comm},
                      {"state", h.holderState ? ordered_json(std::string(1, *h.holderState))
                                              : ordered_json(nullptr)},
                      {"role", role(h.holderRole)},
                      {"frames", frames}};
        }
        out.push_back(
            {{"source", h.source},
             {"lock_type", h.lockType},
             {"lock_address",
              h.lockAddress ? ordered_json(hexAddress(*h.lockAddress)) : ordered_json(nullptr)},
             {"lock_name", orNull(h.lockName)},
             {"waiter",
              {{"pid", h.waiter.pid}, {"comm", h.waiter.comm}, {"role", role(h.waiterRole)}}},
             {"holder", holder}});
    }
    return out;
}

ordered_json heldLocksJson(const std::vector<triage::TaskLocks>& held) {
    ordered_json out = ordered_json::array();
    for (const auto& t : held) {
        ordered_json locks = ordered_json::array();
        for (const auto& l : t.locks)
            locks.push_back({{"address", l.address ? ordered_json(hexAddress(*l.address))
                                                   : ordered_json(nullptr)},
                             {"name", l.name},
                             {"at", l.acquiredAt}});
        out.push_back(
            {{"pid", t.task.pid}, {"comm", t.task.comm}, {"count", t.count}, {"locks", locks}});
    }
    return out;
}

// "LOCK HOLDER: mutex 0xffffffffc03fd040 (psc_mutex [panicscope_crash]) waited on by 116
// (crasher): held by 117 (psc_holder) S [dump]" and the holder's stack.
void printLockHolders(std::ostream& out, const std::vector<triage::LockHolder>& holders) {
    for (const auto& h : holders) {
        std::string line = "LOCK HOLDER: " + h.lockType;
        if (h.lockAddress) line += " " + hexAddress(*h.lockAddress);
        if (h.lockName) line += " (" + *h.lockName + ")";
        line += " waited on by " + std::to_string(h.waiter.pid) + " (" + h.waiter.comm + ")";
        if (!h.waiterRole.empty()) line += " <" + h.waiterRole + ">";
        if (h.holder) {
            line += ": held by " + std::to_string(h.holder->pid) + " (" + h.holder->comm + ")";
            if (!h.holderRole.empty()) line += " <" + h.holderRole + ">";
            if (h.holderState) line += " " + std::string(1, *h.holderState);
        } else {
            line += ": no holder found";
        }
        out << escapeControlCharacters(line + " [" + h.source + "]") << '\n';
        for (const auto& f : h.holderFrames)
            out << "  "
                << escapeControlCharacters((f.function.empty() ? "(unknown)" : f.function) +
                                           (f.module ? " [" + *f.module + "]" : ""))
                << '\n';
    }
}

void printHeldLocks(std::ostream& out, const std::vector<triage::TaskLocks>& held) {
    for (const auto& t : held) {
        out << escapeControlCharacters("HELD LOCKS: " + std::to_string(t.count) + " by " +
                                       std::to_string(t.task.pid) + " (" + t.task.comm + ")")
            << '\n';
        for (const auto& l : t.locks)
            out << "  "
                << escapeControlCharacters((l.address ? hexAddress(*l.address) + " " : "") +
                                           l.name + " at " + l.acquiredAt)
                << '\n';
    }
}

void printSections(std::ostream& out, const std::vector<triage::ReportSection>& sections) {
    for (const auto& s : sections) {
        out << "SECTION " << escapeControlCharacters(s.title) << " (" << s.rule << "):\n";
        for (const auto& [key, value] : s.fields)
            out << "  " << escapeControlCharacters(key) << ": " << escapeControlCharacters(value)
                << '\n';
        if (s.json) out << "  " << escapeControlCharacters(*s.json) << '\n';
    }
}

// "2026-12-02T03:15:01Z": sorts as the time does, for `triage --group`'s first and last dump.
ordered_json isoTime(const std::optional<int64_t>& seconds) {
    if (!seconds) return nullptr;
    const std::time_t t = static_cast<std::time_t>(*seconds);
    std::tm utc{};
    char text[32];
    if (!gmtime_r(&t, &utc) || !std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc))
        return nullptr;
    return text;
}

} // namespace

ordered_json crashReportJson(const triage::CrashReport& r) {
    ordered_json j;
    j["schema"] = triage::kCrashReportSchema;
    j["source"] = r.source;
    j["path"] = r.path;
    j["kind"] = triage::crashKindKey(r.kind);
    j["title"] = r.title;
    j["message"] = r.message;
    j["panic_message"] = orNull(r.panicMessage);
    j["cpu"] = orNull(r.cpu);
    j["task"] =
        r.task ? ordered_json{{"pid", r.task->pid}, {"comm", r.task->comm}} : ordered_json(nullptr);
    j["crash_time"] = isoTime(r.crashTime);
    j["context"] = triage::crashContextKey(r.context);
    j["fault_address"] =
        r.faultAddress ? ordered_json(hexAddress(*r.faultAddress)) : ordered_json(nullptr);
    j["guilty"] = r.guiltyFunction ? ordered_json{{"function", *r.guiltyFunction},
                                                  {"module", orNull(r.guiltyModule)}}
                                   : ordered_json(nullptr);
    j["taint"] = orNull(r.taint);
    j["frames"] = framesJson(r.frames);
    j["signature"] = {{"hash", r.signature.hash},
                      {"kind", triage::crashKindKey(r.kind)},
                      {"title", r.title},
                      {"frames", r.signature.frames}};
    ordered_json blocked = ordered_json::array();
    for (const auto& t : r.blockedTasks)
        blocked.push_back({{"pid", t.pid},
                           {"comm", t.comm},
                           {"state", std::string(1, t.state)},
                           {"frames", t.frames}});
    j["blocked_tasks"] = blocked;
    j["lock_holders"] = lockHoldersJson(r.lockHolders);
    j["held_locks"] = heldLocksJson(r.heldLocks);
    ordered_json earlier = ordered_json::array();
    for (const auto& e : r.earlier)
        earlier.push_back({{"kind", triage::crashKindKey(e.kind)},
                           {"title", e.title},
                           {"signature", e.signature}});
    j["earlier"] = earlier;
    j["corrupted"] = r.corrupted;
    j["problems"] = r.problems;
    j["warnings"] = r.warnings;
    // What plugins' triage rules said: present only when one did.
    if (r.claimedBy) j["claimed_by"] = *r.claimedBy;
    if (!r.sections.empty()) j["sections"] = sectionsJson(r.sections);
    return j;
}

void printCrashReport(std::ostream& out, const triage::CrashReport& r) {
    auto row = [&](const char* key, const std::string& value) {
        out << std::string(12 - std::min<size_t>(12, std::strlen(key)), ' ') << key << ": "
            << escapeControlCharacters(value) << '\n';
    };
    row("TITLE", r.title);
    row("KIND", std::string(triage::crashKindKey(r.kind)));
    row("MESSAGE", r.message);
    if (r.panicMessage && *r.panicMessage != r.message) row("PANIC", *r.panicMessage);
    if (r.cpu) row("CPU", std::to_string(*r.cpu));
    if (r.task) row("TASK", std::to_string(r.task->pid) + " (" + r.task->comm + ")");
    row("CONTEXT", std::string(triage::crashContextKey(r.context)));
    if (r.faultAddress) row("FAULT ADDR", hexAddress(*r.faultAddress));
    if (r.guiltyFunction)
        row("GUILTY", *r.guiltyFunction + (r.guiltyModule ? " [" + *r.guiltyModule + "]" : ""));
    if (r.taint) row("TAINT", r.taint->empty() ? "none" : *r.taint);
    std::string from;
    for (const auto& f : r.signature.frames)
        from += (from.empty() ? "" : ", ") + f;
    row("SIGNATURE", r.signature.hash + " (" + std::string(triage::crashKindKey(r.kind)) + " | " +
                         r.title + " | " + from + ")");
    if (r.corrupted) {
        std::string why;
        for (const auto& p : r.problems)
            why += (why.empty() ? "" : "; ") + p;
        row("CORRUPTED", "yes: " + why);
    }
    if (r.claimedBy) row("CLAIMED BY", *r.claimedBy);
    out << "FRAMES:\n";
    for (const auto& f : r.frames)
        out << "  "
            << escapeControlCharacters((f.function.empty() ? "(unknown)" : f.function) +
                                       (f.module ? " [" + *f.module + "]" : ""))
            << '\n';
    for (const auto& t : r.blockedTasks) {
        out << "BLOCKED TASK " << t.pid << " (" << t.comm << ") " << t.state << ":\n";
        for (const auto& f : t.frames)
            out << "  " << f << '\n';
    }
    printLockHolders(out, r.lockHolders);
    printHeldLocks(out, r.heldLocks);
    for (const auto& e : r.earlier)
        out << "EARLIER: " << escapeControlCharacters(e.title) << " ("
            << triage::crashKindKey(e.kind) << ", " << e.signature << ")\n";
    printSections(out, r.sections);
    for (const auto& w : r.warnings)
        out << "warning: " << w << '\n';
}

} // namespace panicscope::report
