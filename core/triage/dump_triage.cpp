#include "triage/dump_triage.h"

#include "plugin/triage_claims.h"
#include "triage/console_triage.h"
#include "triage/dump_lock_holders.h"
#include "triage/guilty_frame.h"
#include "triage/oops_parser.h"

namespace panicscope::triage {

namespace {

CrashContext sectionOf(const unwind::Frame& f) {
    switch (f.stack.kind) {
    case unwind::StackKind::Irq:
        return CrashContext::Hardirq;
    case unwind::StackKind::Exception:
        return f.stack.name.find("NMI") != std::string::npos ? CrashContext::Nmi
                                                             : CrashContext::Process;
    default:
        return CrashContext::Process;
    }
}

std::vector<std::string> frameNames(const unwind::StackTrace& trace) {
    std::vector<std::string> names;
    for (const auto& f : traceFrames(trace))
        names.push_back(f.function);
    return names;
}

// The log's records as the text lines a console would show (without timestamps).
std::vector<std::string> logLines(const model::KernelLog& log) {
    std::vector<std::string> lines;
    for (const auto& record : log.records) {
        size_t start = 0;
        while (true) {
            const size_t eol = record.text.find('\n', start);
            lines.push_back(record.text.substr(start, eol - start));
            if (eol == std::string::npos) break;
            start = eol + 1;
        }
    }
    return lines;
}

// The task whose stack the report is about: the first blocked task of a hung-task report, else
// the crashing one.
Result<std::optional<model::TaskRow>> subjectTask(const model::Session& session,
                                                  const ParsedReport* parsed) {
    if (parsed && parsed->kind == CrashKind::HungTask && !parsed->blocked.empty()) {
        model::TaskSelection selection{model::TaskSelection::Kind::Pids,
                                       {parsed->blocked.front().pid}};
        if (auto rows = session.selectTasks(selection); rows && !rows->empty())
            return std::optional(rows->front());
    }
    return session.crashingTask();
}

void addBlockedTasks(const model::Session& session, CrashReport& r) {
    auto table = session.tasks();
    if (!table) return;
    for (const auto& task : table->tasks) {
        if (task.state != 'D') continue;
        if (r.blockedTasks.size() >= kMaxBlockedTasks) {
            r.warnings.push_back("more than " + std::to_string(kMaxBlockedTasks) +
                                 " blocked tasks: the first ones listed");
            break;
        }
        auto trace = session.backtrace(task, {});
        r.blockedTasks.push_back({task.pid, task.comm, task.state,
                                  trace ? frameNames(*trace) : std::vector<std::string>{}});
    }
}

// Cuts the machinery off the dump's frames: at the log report's guilty function when the log
// names one (so a dump and its console agree), else by the skip table.
std::optional<size_t> dumpGuilty(const std::vector<TraceFrame>& frames, CrashKind kind,
                                 const ParsedReport* parsed) {
    if (parsed)
        if (auto g = guiltyFrameIndex(parsed->frames, kind)) {
            const std::string want = normalizeFunctionName(parsed->frames[*g].function);
            for (size_t i = 0; i < frames.size(); ++i)
                if (!want.empty() && normalizeFunctionName(frames[i].function) == want) return i;
        }
    return guiltyFrameIndex(frames, kind);
}

} // namespace

std::vector<TraceFrame> traceFrames(const unwind::StackTrace& trace) {
    std::vector<TraceFrame> out;
    const auto& frames = trace.frames;
    for (size_t i = 0; i < frames.size(); ++i) {
        const auto& f = frames[i];
        if (f.userMode) break;
        CrashContext context = sectionOf(f);
        // An NMI from user mode runs on the task stack (asm_exc_nmi leaves its IST stack), so
        // the stack does not say NMI there; the entry below the frame does. A boundary sits
        // on the first frame after its pt_regs, so the entry a frame runs under is the next
        // boundary down the trace.
        if (context == CrashContext::Process)
            for (size_t j = i + 1; j < frames.size(); ++j)
                if (frames[j].boundary) {
                    if (frames[j].boundary->kind == unwind::BoundaryKind::Nmi)
                        context = CrashContext::Nmi;
                    break;
                }
        out.push_back(
            {f.function.value_or(""), f.module, context, !out.empty() && f.boundary.has_value()});
    }
    return out;
}

namespace {

void fillFromLog(CrashReport& r, const ConsoleParse& parse, const ParsedReport& p) {
    r.message = p.header;
    r.panicMessage = p.panicMessage;
    r.faultAddress = p.faultAddress;
    r.taint = p.taint;
    r.corrupted = p.corrupted;
    r.problems = p.problems;
    r.lockHolders = p.lockHolders;
    r.heldLocks = p.heldLocks;
    for (size_t i = *parse.fatal > kMaxEarlierReports ? *parse.fatal - kMaxEarlierReports : 0;
         i < *parse.fatal; ++i)
        r.earlier.push_back(summarize(parse.reports[i]));
}

} // namespace

Result<CrashReport> triageDump(const model::Session& session, const plugin::Registry& registry) {
    auto info = session.info();
    if (!info) return tl::unexpected(info.error());
    CrashReport r;
    r.source = "dump";
    r.path = session.dumpPath();
    for (const auto& w : session.warnings())
        r.warnings.push_back(w.text);

    ConsoleParse parse;
    if (auto log = session.log())
        parse = parseConsoleLines(logLines(*log), registry);
    else
        r.warnings.push_back("kernel log: " + log.error().message);
    const ParsedReport* parsed = parse.fatal ? &parse.reports[*parse.fatal] : nullptr;
    const KindAndStem kind = parsed
                                 ? KindAndStem{parsed->kind, parsed->stem, {}}
                                 : classifyPanicMessage(info->panicMessage, registry.triageRules());
    r.kind = kind.kind;
    if (parsed) {
        fillFromLog(r, parse, *parsed);
    } else {
        r.message = info->panicMessage;
        r.panicMessage = info->panicMessage;
        r.faultAddress = kind.faultAddress;
        r.warnings.push_back("no crash report in the kernel log: kind from the panic message");
    }
    r.cpu = info->panicCpu ? info->panicCpu : (parsed ? parsed->cpu : std::nullopt);
    if (auto system = session.systemInfo()) r.crashTime = system->wallClockSeconds;
    if (info->crashingTask)
        r.task = ReportTask{info->crashingTask->pid, info->crashingTask->comm};
    else if (parsed && parsed->pid)
        r.task = ReportTask{*parsed->pid, parsed->comm};

    std::vector<TraceFrame> frames;
    auto subject = subjectTask(session, parsed);
    if (subject && *subject) {
        if (auto trace = session.backtrace(**subject, {})) {
            frames = traceFrames(*trace);
            r.framesOrigin = FramesOrigin{(*subject)->address, (*subject)->pid, 0};
            if (trace->stop.kind != unwind::WalkStatus::Complete)
                r.warnings.push_back(std::string("crashing stack ") +
                                     unwind::walkStatusKey(trace->stop.kind) + ": " +
                                     trace->stop.text);
        } else {
            r.warnings.push_back("crashing stack: " + trace.error().message);
        }
    }
    if (frames.empty() && parsed) { // the log's stack is all there is
        frames = parsed->frames;
        r.framesOrigin.reset();
    }
    const auto guilty = dumpGuilty(frames, r.kind, parsed);
    r.title = makeTitle(kind.stem, guilty ? std::optional(frames[*guilty].function) : std::nullopt);
    if (guilty) {
        r.guiltyFunction = normalizeFunctionName(frames[*guilty].function);
        r.guiltyModule = frames[*guilty].module;
        r.context = guiltyContext(frames, *guilty, r.task);
        frames.erase(frames.begin(), frames.begin() + static_cast<ptrdiff_t>(*guilty));
        if (r.framesOrigin) r.framesOrigin->firstFrame = *guilty;
    }
    r.frames = std::move(frames);
    r.signature = makeSignature(r.kind, r.title, r.frames);
    if (r.kind == CrashKind::HungTask) addBlockedTasks(session, r);
    std::vector<int32_t> blockedPids;
    for (const auto& t : r.blockedTasks)
        blockedPids.push_back(t.pid);
    addLockdepHolders(r.lockHolders, r.heldLocks, blockedPids);
    addDumpLockHolders(session, r);
    plugin::applyTriageClaims(r, &session, registry);
    return r;
}

Result<CrashReport> triageDump(const model::Session& session) {
    return triageDump(session, plugin::builtinRegistry());
}

} // namespace panicscope::triage
