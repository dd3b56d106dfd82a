#include "triage/oops_parser.h"

#include "plugin/registry.h"
#include "triage/console_line.h"
#include "triage/report_lines.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace panicscope::triage {

namespace {

constexpr std::string_view kPanicPrefix = "Kernel panic - not syncing: ";

// Panic messages that are the consequence of the report before them, never a crash of their own.
constexpr std::array<std::string_view, 10> kConsequences = {
    "Fatal exception",    "panic_on_warn", "softlockup: hung tasks",
    "hung_task: blocked", "Hard LOCKUP",   "hardlockup:",
    "RCU Stall",          "Out of memory", "System is deadlocked on memory",
    "Fatal machine check"};

bool isConsequence(std::string_view message) {
    return std::any_of(kConsequences.begin(), kConsequences.end(),
                       [&](std::string_view c) { return message.find(c) != std::string::npos; });
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    return s;
}

// Lines a report holds besides its header, CPU, RIP and frame lines: not of other origin.
bool isReportDetail(std::string_view t) {
    static constexpr std::array<std::string_view, 24> kPrefixes = {"RSP: ",
                                                                   "RAX: ",
                                                                   "RBX: ",
                                                                   "RDX: ",
                                                                   "RBP: ",
                                                                   "R08: ",
                                                                   "R10: ",
                                                                   "R13: ",
                                                                   "FS: ",
                                                                   "CS: ",
                                                                   "CR2: ",
                                                                   "DR0: ",
                                                                   "DR3: ",
                                                                   "PKRU: ",
                                                                   "Code: ",
                                                                   "Hardware name: ",
                                                                   "Modules linked in:",
                                                                   "Tainted: ",
                                                                   "Workqueue: ",
                                                                   "#PF: ",
                                                                   "PGD ",
                                                                   "Kernel Offset: ",
                                                                   "Call Trace:",
                                                                   "---["};
    return std::any_of(kPrefixes.begin(), kPrefixes.end(),
                       [&](std::string_view p) { return t.starts_with(p); }) ||
           t.starts_with("FS:  ");
}

// "<IRQ>", "</TASK>", "<#DF>", "<EOI>" (before 4.x the end of the IRQ stack).
bool isSectionMarker(std::string_view t) {
    if (t.size() < 3 || t.front() != '<' || t.back() != '>') return false;
    for (char c : t.substr(t[1] == '/' ? 2 : 1, t.size() - (t[1] == '/' ? 3 : 2)))
        if (!(std::isupper(static_cast<unsigned char>(c)) || c == '#')) return false;
    return true;
}

class Parser {
  public:
    explicit Parser(const std::vector<plugin::TriageRule>& rules) : rules_(rules) {}
    void line(std::string_view raw);
    ConsoleParse finish();

  private:
    enum class State { None, Header, Trace, Done };

    ParsedReport* current() { return boots_.back().empty() ? nullptr : &boots_.back().back(); }
    std::vector<TraceFrame>& frameSink();
    void closeCurrent(const char* why);
    void startReport(ParsedReport report);
    void onHeader(KindAndStem header, std::string_view text);
    void onPanic(std::string_view message);
    void onSection(std::string_view marker);
    void onFrame(const FrameLine& f, bool startsContext);
    bool onDetail(std::string_view t);
    bool onLockLine(std::string_view t);
    void resetTrace(State state);

    std::vector<std::vector<ParsedReport>> boots_{1};
    std::vector<std::vector<bool>> oopsed_{1}; // per report: its die line was seen
    size_t linuxVersions_ = 0;
    State state_ = State::None;
    bool markers_ = false;   // the trace has <IRQ>/<TASK> markers
    bool absorbing_ = false; // a merged panic's own stack: not the report's
    bool nextStartsContext_ = false;
    bool holderStack_ = false; // after a blocker line: the holder's task line and stack
    bool lockdepList_ = false; // inside "Showing all locks held in the system:"
    size_t framesInTrace_ = 0; // frames since "Call Trace:"
    CrashContext section_ = CrashContext::Unknown;
    std::vector<TraceFrame> discard_;
    const std::vector<plugin::TriageRule>& rules_; // what names a header line or panic message
};

std::vector<TraceFrame>& Parser::frameSink() {
    ParsedReport* r = current();
    if (!r || absorbing_) return discard_;
    if (holderStack_ && !r->lockHolders.empty()) return r->lockHolders.back().holderFrames;
    if (r->kind == CrashKind::HungTask && !r->blocked.empty()) return r->blocked.back().frames;
    return r->frames;
}

void Parser::resetTrace(State state) {
    state_ = state;
    markers_ = false;
    nextStartsContext_ = false;
    holderStack_ = false;
    lockdepList_ = false;
    section_ = CrashContext::Unknown;
    discard_.clear();
}

// The current report stops here: cut short if its trace had begun and not ended.
void Parser::closeCurrent(const char* why) {
    ParsedReport* r = current();
    if (r && !absorbing_ && !r->ended) {
        if (state_ == State::Header && !holderStack_) { // a hung holder's stack is not repeated
            r->corrupted = true;
            r->problems.push_back(std::string("no Call Trace before ") + why);
        } else if (state_ == State::Trace && (markers_ || framesInTrace_ == 0)) {
            r->corrupted = true;
            r->problems.push_back(std::string("Call Trace cut short by ") + why);
        }
    }
    state_ = State::None;
    absorbing_ = false;
}

void Parser::startReport(ParsedReport report) {
    closeCurrent("the next report");
    auto& reports = boots_.back();
    auto& oopsed = oopsed_.back();
    if (reports.size() >= 2 * kMaxReportsKept) { // keep the newest, in amortized O(1)
        reports.erase(reports.begin(), reports.begin() + kMaxReportsKept);
        oopsed.erase(oopsed.begin(), oopsed.begin() + kMaxReportsKept);
    }
    reports.push_back(std::move(report));
    oopsed.push_back(false);
    resetTrace(State::Header);
}

void Parser::onHeader(KindAndStem header, std::string_view text) {
    ParsedReport* r = current();
    BlockedTask blocked;
    if (header.kind == CrashKind::HungTask)
        splitCommPid(trimmed(text.substr(text.find("task ") + 5,
                                         text.find(" blocked") - text.find("task ") - 5)),
                     blocked.comm, blocked.pid);
    // khungtaskd names every blocked task in one go: one report.
    if (header.kind == CrashKind::HungTask && r && r->kind == CrashKind::HungTask &&
        !r->panicMessage && state_ != State::None) {
        if (r->blocked.size() < kMaxNamedBlockedTasks) r->blocked.push_back(std::move(blocked));
        resetTrace(State::Header);
        return;
    }
    ParsedReport report;
    report.kind = header.kind;
    report.header = std::string(trimmed(text));
    report.stem = header.stem;
    report.faultAddress = header.faultAddress;
    if (header.kind == CrashKind::HungTask) report.blocked.push_back(std::move(blocked));
    if (header.kind == CrashKind::SoftLockup) { // "... stuck for 3s! [crasher:111]"
        const size_t open = text.rfind('['), close = text.rfind(']');
        int32_t pid = 0;
        if (open != std::string_view::npos && close > open &&
            splitCommPid(text.substr(open + 1, close - open - 1), report.comm, pid))
            report.pid = pid;
    }
    startReport(std::move(report));
}

void Parser::onPanic(std::string_view message) {
    ParsedReport* r = current();
    if (r && !r->panicMessage && state_ != State::None && (!r->ended || isConsequence(message))) {
        r->panicMessage = std::string(message);
        const bool hasStack = !frameSink().empty() || !r->frames.empty();
        resetTrace(State::Header);
        absorbing_ = hasStack;
        return;
    }
    KindAndStem k = classifyPanicMessage(message, rules_);
    ParsedReport report;
    report.kind = k.kind;
    report.header = std::string(kPanicPrefix) + std::string(message);
    report.stem = k.stem;
    report.panicMessage = std::string(message);
    startReport(std::move(report));
}

void Parser::onSection(std::string_view marker) {
    markers_ = true;
    if (marker.starts_with("</")) {
        if (marker == "</TASK>") state_ = State::Done;
        section_ = CrashContext::Unknown;
        nextStartsContext_ = true;
        return;
    }
    section_ = marker == "<IRQ>"       ? CrashContext::Hardirq
               : marker == "<NMI>"     ? CrashContext::Nmi
               : marker == "<SOFTIRQ>" ? CrashContext::Softirq
                                       : CrashContext::Process;
    // The RIP frame printed before the Call Trace ran where the trace's first section is.
    for (auto& f : frameSink())
        if (f.section == CrashContext::Unknown) f.section = section_;
}

void Parser::onFrame(const FrameLine& f, bool startsContext) {
    auto& sink = frameSink();
    if (sink.size() >= kMaxFramesPerStack) return;
    sink.push_back({f.function, f.module, section_, startsContext || nextStartsContext_});
    if (state_ == State::Trace) ++framesInTrace_;
    nextStartsContext_ = false;
}

// A line inside a report that is not a frame: true when it is one of the report's own.
bool Parser::onDetail(std::string_view t) {
    ParsedReport* r = current();
    if (auto cpu = parseCpuLine(t)) {
        if (!absorbing_ || r->kind == CrashKind::HungTask || !r->cpu) {
            r->cpu = cpu->cpu;
            r->pid = cpu->pid;
            r->comm = cpu->comm;
        }
        if (cpu->taint && !absorbing_) r->taint = cpu->taint;
        return true;
    }
    if (t.starts_with("Tainted: ") && !t.starts_with("Tainted: [")) {
        if (!r->taint) r->taint = taintLetters(t.substr(9));
        return true;
    }
    if (t.starts_with("task:") && t.find(" state:") != std::string_view::npos) return true;
    if (t.starts_with("Read of size") || t.starts_with("Write of size")) {
        if (r->kind == CrashKind::Kasan && r->stem.find(" Read") == std::string::npos &&
            r->stem.find(" Write") == std::string::npos)
            r->stem += t.starts_with("Read") ? " Read" : " Write";
        return true;
    }
    if (t.starts_with("CR2: ")) {
        if (!r->faultAddress && r->kind == CrashKind::StackOverflow)
            r->faultAddress = parseHexNumber(t.substr(5));
        return true;
    }
    if (t.starts_with("Call Trace:")) {
        state_ = State::Trace;
        framesInTrace_ = 0;
        return true;
    }
    if (t.starts_with("---[ end ")) {
        r->ended = true;
        if (state_ == State::Trace) state_ = State::Done;
        return true;
    }
    return isReportDetail(t);
}

// The lock lines a report may hold: a hung-task blocker line (the holder's stack follows), and
// lockdep's held-locks list up to its "=====" line. True when `t` was one.
bool Parser::onLockLine(std::string_view t) {
    ParsedReport* r = current();
    if (lockdepList_) {
        if (t.starts_with("=====")) {
            lockdepList_ = false;
        } else if (auto task = parseHeldLocksLine(t)) {
            if (r->heldLocks.size() < kMaxHeldLockTasks) r->heldLocks.push_back(std::move(*task));
        } else if (auto lock = parseHeldLockLine(t)) {
            if (!r->heldLocks.empty() && r->heldLocks.back().locks.size() < kMaxHeldLocksPerTask)
                r->heldLocks.back().locks.push_back(std::move(*lock));
        }
        return true; // the list's own lines, and any interleaved: not the report's trace
    }
    if (t == "Showing all locks held in the system:") {
        resetTrace(State::Done);
        lockdepList_ = true;
        return true;
    }
    if (auto holder = parseBlockerLine(t)) {
        if (r->lockHolders.size() < kMaxLockHolders) {
            const bool named = holder->holder.has_value();
            r->lockHolders.push_back(std::move(*holder));
            if (named) { // sched_show_task(holder) follows, unless it is hung itself
                resetTrace(State::Header);
                holderStack_ = true;
            }
        }
        return true;
    }
    if (holderStack_ && t.starts_with("task:")) { // "task:psc_holder state:S stack:0 pid:117"
        const std::string_view state = textAfter(t, " state:");
        if (!state.empty() && state.front() != ' ')
            r->lockHolders.back().holderState = state.front();
        return true;
    }
    return false;
}

void Parser::line(std::string_view raw) {
    const std::string_view t = trimmed(stripConsolePrefix(raw));
    if (t.starts_with("Linux version ")) {
        closeCurrent("the next boot");
        ++linuxVersions_;
        if (!boots_.back().empty()) {
            boots_.emplace_back();
            oopsed_.emplace_back();
        }
        return;
    }
    if (t.starts_with(kPanicPrefix)) return onPanic(t.substr(kPanicPrefix.size()));
    if (auto header = classifyHeader(t, rules_)) return onHeader(std::move(*header), t);
    ParsedReport* r = current();
    if (r && state_ != State::None && !absorbing_ && onLockLine(t)) return;
    if (isDieLine(t)) {
        if (r && state_ == State::Header && !absorbing_) {
            oopsed_.back().back() = true;
            return;
        }
        ParsedReport report;
        report.kind = CrashKind::Oops;
        report.header = std::string(t);
        report.stem = "Oops";
        report.corrupted = true;
        report.problems.push_back("the report's first line is missing");
        startReport(std::move(report));
        oopsed_.back().back() = true;
        return;
    }
    if (!r || state_ == State::None) return;
    if (state_ == State::Done) {
        if (t.starts_with("---[ end ")) r->ended = true;
        return;
    }
    if (isSectionMarker(t)) return onSection(t == "<EOI>" ? std::string_view("</IRQ>") : t);
    if (t.starts_with("RIP: ")) {
        if (auto rip = parseRipLine(t)) onFrame(*rip, state_ == State::Trace);
        return;
    }
    if (state_ == State::Trace)
        if (auto frame = parseFrameLine(t)) {
            if (!frame->guess) onFrame(*frame, false);
            return;
        }
    if (onDetail(t)) return;
    if (state_ == State::Trace && !markers_) {
        state_ = State::Done; // an old kernel's trace ends at the first other line
    } else if (state_ == State::Trace && !absorbing_ && !r->corrupted) {
        r->corrupted = true;
        r->problems.push_back("lines of other origin inside its Call Trace");
    }
}

ConsoleParse Parser::finish() {
    closeCurrent("the end of the text");
    ConsoleParse out;
    out.boots = linuxVersions_;
    // The boot that crashed: the last with a fatal report (a panic or an oops), else the last
    // with any report. A kdump console's capture kernel boots after the crash.
    auto fatalIn = [&](size_t boot) -> std::optional<size_t> {
        std::optional<size_t> found;
        for (size_t i = 0; i < boots_[boot].size(); ++i)
            if (boots_[boot][i].panicMessage || oopsed_[boot][i]) found = i;
        return found;
    };
    std::optional<size_t> chosen;
    for (size_t b = boots_.size(); b-- > 0 && !chosen;)
        if (fatalIn(b)) chosen = b;
    for (size_t b = boots_.size(); b-- > 0 && !chosen;)
        if (!boots_[b].empty()) chosen = b;
    if (!chosen) return out;
    out.reports = std::move(boots_[*chosen]);
    out.fatal = fatalIn(*chosen);
    if (!out.fatal) out.fatal = out.reports.size() - 1;
    for (auto& r : out.reports) {
        if (r.kind == CrashKind::HungTask && !r.blocked.empty() && r.frames.empty())
            r.frames = r.blocked.front().frames;
        for (auto& f : r.frames)
            if (f.section == CrashContext::Unknown) f.section = CrashContext::Process;
    }
    return out;
}

} // namespace

ConsoleParse parseConsoleLines(const std::vector<std::string>& lines,
                               const plugin::Registry& registry) {
    Parser parser(registry.triageRules());
    for (const auto& line : lines)
        parser.line(line);
    return parser.finish();
}

ConsoleParse parseConsoleLines(const std::vector<std::string>& lines) {
    return parseConsoleLines(lines, plugin::builtinRegistry());
}

ConsoleParse parseConsoleText(std::string_view text, const plugin::Registry& registry) {
    Parser parser(registry.triageRules());
    while (!text.empty()) {
        const size_t eol = text.find('\n');
        parser.line(text.substr(0, eol));
        if (eol == std::string_view::npos) break;
        text.remove_prefix(eol + 1);
    }
    return parser.finish();
}

ConsoleParse parseConsoleText(std::string_view text) {
    return parseConsoleText(text, plugin::builtinRegistry());
}

KindAndStem classifyPanicMessage(std::string_view message,
                                 const std::vector<plugin::TriageRule>& rules) {
    for (const auto& rule : rules)
        if (rule.panicMessage)
            if (auto kind = rule.panicMessage(message)) return *kind;
    if (auto header = classifyHeader(message, rules)) return *header;
    if (message.starts_with("Fatal exception")) return {CrashKind::Oops, "Oops", {}};
    // Keep the message's words, not its numbers: they change from one crash to the next.
    std::string stem = "kernel panic: ";
    for (char c : message) {
        if (std::isdigit(static_cast<unsigned char>(c))) {
            if (stem.back() != '#') stem += '#';
        } else {
            stem += c;
        }
    }
    return {CrashKind::Panic, stem, {}};
}

KindAndStem classifyPanicMessage(std::string_view message) {
    return classifyPanicMessage(message, plugin::builtinRegistry().triageRules());
}

} // namespace panicscope::triage
