#include "report/json_report.h"

#include "util/hex.h"

namespace panicscope::report {

using nlohmann::ordered_json;

ordered_json infoJson(const model::DumpInfo& info) {
    ordered_json j;
    j["release"] = info.release;
    j["machine"] = info.machine;
    j["cpus"] = info.cpus;
    j["format"] = info.format;
    j["panic_message"] = info.panicMessage;
    j["panic_cpu"] = info.panicCpu ? ordered_json(*info.panicCpu) : ordered_json(nullptr);
    if (info.crashingTask)
        j["crashing_task"] = {{"pid", info.crashingTask->pid},
                              {"comm", info.crashingTask->comm},
                              {"task", hex(info.crashingTask->address)}};
    else
        j["crashing_task"] = nullptr;
    j["uptime_s"] = info.uptimeSeconds ? ordered_json(*info.uptimeSeconds) : ordered_json(nullptr);
    j["version"] = info.version;
    j["nodename"] = info.nodename;
    j["dump"] = info.dumpPath;
    j["vmlinux"] = info.vmlinuxPath;
    j["build_id"] = info.buildId;
    j["kaslr_offset"] = hex(info.kaslrOffset);
    j["warnings"] = info.warnings;
    return j;
}

ordered_json psJson(const kernel::TaskList& list) {
    ordered_json tasks = ordered_json::array();
    for (const auto& t : list.tasks)
        tasks.push_back({{"pid", t.pid},
                         {"tgid", t.tgid},
                         {"ppid", t.ppid},
                         {"comm", t.comm},
                         {"state", std::string(1, t.state)},
                         {"cpu", t.cpu},
                         {"on_cpu", t.onCpu},
                         {"task", hex(t.address)},
                         {"kernel_thread", t.kernelThread},
                         {"nvcsw", t.nvcsw},
                         {"nivcsw", t.nivcsw}});
    return {{"tasks", tasks}, {"warnings", list.warnings}};
}

ordered_json logJson(const kernel::KernelLog& log) {
    ordered_json records = ordered_json::array();
    for (const auto& r : log.records)
        records.push_back({{"seq", r.seq},
                           {"timestamp_ns", r.timestampNs},
                           {"level", r.level},
                           {"facility", r.facility},
                           {"caller_id", r.callerId},
                           {"text", r.text}});
    return {{"records", records}, {"warnings", log.warnings}};
}

ordered_json symJson(const model::SymbolInfo& s) {
    return {{"query", s.query},
            {"address", hex(s.address)},
            {"symbol", s.name},
            {"symbol_address", hex(s.symbolAddress)},
            {"offset", s.offset},
            {"size", s.size},
            {"type", s.isFunction ? "function" : "object"},
            {"file", s.file ? ordered_json(*s.file) : ordered_json(nullptr)},
            {"line", s.line ? ordered_json(*s.line) : ordered_json(nullptr)}};
}

} // namespace panicscope::report

namespace panicscope::report {

namespace {
ordered_json regsJson(const arch::X86Registers& r) {
    const uint64_t values[] = {r.r15, r.r14,     r.r13, r.r12, r.bp,    r.bx, r.r11,
                               r.r10, r.r9,      r.r8,  r.ax,  r.cx,    r.dx, r.si,
                               r.di,  r.orig_ax, r.ip,  r.cs,  r.flags, r.sp, r.ss};
    ordered_json j;
    for (size_t i = 0; i < arch::kPtRegsNames.size(); ++i)
        j[std::string(arch::kPtRegsNames[i])] = hex(values[i]);
    return j;
}

template <class T> ordered_json orNull(const std::optional<T>& v) {
    return v ? ordered_json(*v) : ordered_json(nullptr);
}
} // namespace

ordered_json taskBacktraceJson(const kernel::Task& task, const unwind::StackTrace& trace) {
    ordered_json frames = ordered_json::array();
    for (size_t i = 0; i < trace.frames.size(); ++i) {
        const auto& f = trace.frames[i];
        ordered_json boundary = nullptr;
        if (f.boundary)
            boundary = {{"kind", unwind::boundaryKindKey(f.boundary->kind)},
                        {"entry", f.boundary->entry},
                        {"regs_address", hex(f.boundary->regsAddress)},
                        {"full_regs", f.boundary->fullRegs},
                        {"regs", regsJson(f.boundary->regs)}};
        frames.push_back({{"index", i},
                          {"pc", hex(f.pc)},
                          {"sp", hex(f.sp)},
                          {"function", orNull(f.function)},
                          {"offset", f.offset},
                          {"module", orNull(f.module)},
                          {"file", orNull(f.file)},
                          {"line", orNull(f.line)},
                          {"inline", f.inlined},
                          {"found_by", unwind::foundByKey(f.foundBy)},
                          {"boundary", boundary},
                          {"interrupted", f.interrupted},
                          {"user", f.userMode},
                          {"stack", f.stackName}});
    }
    return {{"pid", task.pid},           {"tgid", task.tgid},
            {"comm", task.comm},         {"state", std::string(1, task.state)},
            {"cpu", task.cpu},           {"on_cpu", task.onCpu},
            {"task", hex(task.address)}, {"status", unwind::walkStatusKey(trace.status)},
            {"reason", trace.reason},    {"frames", frames}};
}

StreamedJsonArray::StreamedJsonArray(std::ostream& out, std::string_view key) : out_(out) {
    out_ << "{\n  " << nlohmann::ordered_json(key).dump() << ": [";
}

void StreamedJsonArray::add(const nlohmann::ordered_json& element) {
    // dump(2) of the element alone, indented two levels deeper as it is inside the document.
    const std::string text = element.dump(2);
    out_ << (empty_ ? "\n    " : ",\n    ");
    for (char c : text) {
        out_ << c;
        if (c == '\n') out_ << "    ";
    }
    empty_ = false;
}

void StreamedJsonArray::finish() {
    out_ << (empty_ ? "]" : "\n  ]") << "\n}\n";
}

} // namespace panicscope::report
