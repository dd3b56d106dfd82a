#include "triage/console_triage.h"

#include "plugin/triage_claims.h"
#include "triage/guilty_frame.h"

#include <fstream>
#include <sstream>

namespace panicscope::triage {

namespace {

constexpr uint64_t kMaxConsoleBytes = 256ull << 20;

struct Titled {
    std::optional<size_t> guilty;
    std::string title;
    Signature signature;
};

Titled titleOf(const ParsedReport& r) {
    Titled t;
    t.guilty = guiltyFrameIndex(r.frames, r.kind);
    t.title =
        makeTitle(r.stem, t.guilty ? std::optional(r.frames[*t.guilty].function) : std::nullopt);
    const auto from =
        t.guilty ? r.frames.begin() + static_cast<ptrdiff_t>(*t.guilty) : r.frames.begin();
    t.signature = makeSignature(r.kind, t.title, std::vector<TraceFrame>(from, r.frames.end()));
    return t;
}

std::vector<std::string> names(const std::vector<TraceFrame>& frames) {
    std::vector<std::string> out;
    for (const auto& f : frames)
        out.push_back(f.function);
    return out;
}

} // namespace

EarlierReport summarize(const ParsedReport& report) {
    Titled t = titleOf(report);
    return {report.kind, t.title, t.signature.hash};
}

std::optional<CrashReport> reportFromParse(const ConsoleParse& parse) {
    if (!parse.fatal || *parse.fatal >= parse.reports.size()) return std::nullopt;
    const ParsedReport& p = parse.reports[*parse.fatal];
    Titled t = titleOf(p);
    CrashReport r;
    r.kind = p.kind;
    r.title = t.title;
    r.message = p.header;
    r.panicMessage = p.panicMessage;
    r.cpu = p.cpu;
    if (p.pid) r.task = ReportTask{*p.pid, p.comm};
    r.faultAddress = p.faultAddress;
    r.taint = p.taint;
    if (t.guilty) {
        r.guiltyFunction = normalizeFunctionName(p.frames[*t.guilty].function);
        r.guiltyModule = p.frames[*t.guilty].module;
        r.context = guiltyContext(p.frames, *t.guilty, r.task);
        r.frames.assign(p.frames.begin() + static_cast<ptrdiff_t>(*t.guilty), p.frames.end());
    } else {
        r.frames = p.frames;
    }
    r.signature = std::move(t.signature);
    for (const auto& b : p.blocked)
        r.blockedTasks.push_back({b.pid, b.comm, 'D', names(b.frames)});
    r.lockHolders = p.lockHolders;
    r.heldLocks = p.heldLocks;
    std::vector<int32_t> blockedPids;
    for (const auto& b : p.blocked)
        blockedPids.push_back(b.pid);
    addLockdepHolders(r.lockHolders, r.heldLocks, blockedPids);
    for (auto& h : r.lockHolders) // a holder that is hung itself: its stack is its report's
        for (const auto& b : p.blocked)
            if (h.holder && h.holderFrames.empty() && b.pid == h.holder->pid) {
                h.holderFrames = b.frames;
                h.holderState = 'D';
            }
    for (size_t i = *parse.fatal > kMaxEarlierReports ? *parse.fatal - kMaxEarlierReports : 0;
         i < *parse.fatal; ++i)
        r.earlier.push_back(summarize(parse.reports[i]));
    r.corrupted = p.corrupted;
    r.problems = p.problems;
    return r;
}

Result<CrashReport> triageConsoleText(std::string_view text, const std::string& path,
                                      const plugin::Registry& registry) {
    auto report = reportFromParse(parseConsoleText(text, registry));
    if (!report) return fail(Errc::Unsupported, "no kernel crash report in " + path);
    report->source = "console";
    report->path = path;
    plugin::applyTriageClaims(*report, nullptr, registry);
    return *report;
}

Result<CrashReport> triageConsoleText(std::string_view text, const std::string& path) {
    return triageConsoleText(text, path, plugin::builtinRegistry());
}

Result<CrashReport> triageConsoleFile(const std::string& path) {
    return triageConsoleFile(path, plugin::builtinRegistry());
}

Result<CrashReport> triageConsoleFile(const std::string& path, const plugin::Registry& registry) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return fail(Errc::Io, "cannot open " + path);
    const auto size = static_cast<uint64_t>(in.tellg());
    if (size > kMaxConsoleBytes)
        return fail(Errc::Usage, path + " is larger than 256 MiB: give the crash's part of it");
    std::string text(size, '\0');
    in.seekg(0);
    if (!in.read(text.data(), static_cast<std::streamsize>(size)))
        return fail(Errc::Io, "cannot read " + path);
    return triageConsoleText(text, path, registry);
}

} // namespace panicscope::triage
