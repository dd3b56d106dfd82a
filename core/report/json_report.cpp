#include "report/json_report.h"

#include "report/json_text.h"
#include "report/printed_frames.h"
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
    j["sources"] = {{"from", info.sources.fromDump ? "dump" : "vmlinux"},
                    {"symbols", info.sources.symbols},
                    {"types", info.sources.types},
                    {"unwind", info.sources.unwind},
                    {"dwarf", info.sources.dwarf}};
    j["warnings"] = warningsJson(info.warnings);
    return j;
}

ordered_json warningsJson(const std::vector<Diagnostic>& warnings) {
    ordered_json j = ordered_json::array();
    for (const auto& w : warnings)
        j.push_back(w.text);
    return j;
}

ordered_json taskRowJson(const model::TaskRow& t) {
    return {{"pid", t.pid},
            {"tgid", t.tgid},
            {"ppid", t.ppid},
            {"comm", t.comm},
            {"state", std::string(1, t.state)},
            {"cpu", t.cpu},
            {"on_cpu", t.onCpu},
            {"task", hex(t.address)},
            {"kernel_thread", t.kernelThread},
            {"nvcsw", t.nvcsw},
            {"nivcsw", t.nivcsw},
            {"last_run_ns", t.lastRunNs},
            {"utime_ns", t.utimeNs},
            {"stime_ns", t.stimeNs},
            {"start_time_ns", t.startTimeNs},
            {"source", t.source}};
}

ordered_json psJson(const model::TaskTable& list) {
    ordered_json tasks = ordered_json::array();
    for (const auto& t : list.tasks)
        tasks.push_back(taskRowJson(t));
    return {{"tasks", tasks}, {"warnings", warningsJson(list.warnings)}};
}

ordered_json psParentsJson(const std::vector<std::vector<model::TaskRow>>& chains,
                           const std::vector<Diagnostic>& warnings) {
    ordered_json out = ordered_json::array();
    for (const auto& chain : chains) {
        ordered_json rows = ordered_json::array();
        for (const auto& t : chain)
            rows.push_back(taskRowJson(t));
        out.push_back(rows);
    }
    return {{"chains", out}, {"warnings", warningsJson(warnings)}};
}

ordered_json psChildrenJson(const std::vector<model::TaskRow>& parents,
                            const std::vector<std::vector<model::TaskRow>>& children,
                            const std::vector<Diagnostic>& warnings) {
    ordered_json out = ordered_json::array();
    for (size_t i = 0; i < parents.size() && i < children.size(); ++i) {
        ordered_json rows = ordered_json::array();
        for (const auto& t : children[i])
            rows.push_back(taskRowJson(t));
        out.push_back({{"task", taskRowJson(parents[i])}, {"children", rows}});
    }
    return {{"children", out}, {"warnings", warningsJson(warnings)}};
}

namespace {
ordered_json queuedJson(const std::vector<model::QueuedTaskRow>& queue) {
    ordered_json out = ordered_json::array();
    for (const auto& q : queue)
        out.push_back({{"pid", q.task.pid},
                       {"comm", q.task.comm},
                       {"task", hex(q.task.address)},
                       {"prio", q.prio}});
    return out;
}
} // namespace

ordered_json runqJson(const model::RunQueueTable& queues) {
    ordered_json cpus = ordered_json::array();
    for (const auto& q : queues.cpus) {
        ordered_json current = nullptr;
        if (q.current)
            current = {{"pid", q.current->pid},
                       {"comm", q.current->comm},
                       {"task", hex(q.current->address)}};
        cpus.push_back({{"cpu", q.cpu},
                        {"rq", hex(q.address)},
                        {"current", current},
                        {"rt", queuedJson(q.rt)},
                        {"cfs", queuedJson(q.cfs)}});
    }
    return {{"cpus", cpus}, {"warnings", warningsJson(queues.warnings)}};
}

ordered_json irqJson(const model::InterruptTable& table) {
    ordered_json irqs = ordered_json::array();
    for (const auto& irq : table.irqs) {
        ordered_json actions = ordered_json::array();
        for (const auto& a : irq.actions)
            actions.push_back(
                {{"name", a.name}, {"handler", hex(a.handler)}, {"handler_name", a.handlerName}});
        irqs.push_back({{"irq", irq.irq},
                        {"desc", hex(irq.desc)},
                        {"counts", irq.counts},
                        {"actions", actions}});
    }
    return {{"cpus", table.cpus}, {"irqs", irqs}, {"warnings", warningsJson(table.warnings)}};
}

ordered_json logJson(const model::KernelLog& log) {
    ordered_json records = ordered_json::array();
    for (const auto& r : log.records)
        records.push_back({{"seq", r.seq},
                           {"timestamp_ns", r.timestampNs},
                           {"level", r.level},
                           {"facility", r.facility},
                           {"caller_id", r.callerId},
                           {"text", r.text}});
    return {{"records", records}, {"warnings", warningsJson(log.warnings)}};
}

ordered_json symJson(const model::SymbolInfo& s) {
    ordered_json cpuAddresses = ordered_json::array();
    for (const auto& [cpu, address] : s.cpuAddresses)
        cpuAddresses.push_back({{"cpu", cpu}, {"address", hex(address)}});
    return {{"query", s.query},
            {"address", hex(s.address)},
            {"symbol", s.name},
            {"symbol_address", hex(s.symbolAddress)},
            {"offset", s.offset},
            {"size", s.size},
            {"type", s.isFunction ? "function" : "object"},
            {"file", s.file ? ordered_json(*s.file) : ordered_json(nullptr)},
            {"line", s.line ? ordered_json(*s.line) : ordered_json(nullptr)},
            {"module", s.module ? ordered_json(*s.module) : ordered_json(nullptr)},
            {"per_cpu", s.perCpu},
            {"cpu", s.cpu ? ordered_json(*s.cpu) : ordered_json(nullptr)},
            {"cpu_addresses", cpuAddresses}};
}

} // namespace panicscope::report

namespace panicscope::report {

namespace {
ordered_json regsJson(const arch::X86Registers& r) {
    ordered_json j;
    for (size_t i = 0; i < arch::kPtRegsCount; ++i)
        j[std::string(arch::kPtRegsNames[i])] = hex(r.*arch::kPtRegsFields[i]);
    return j;
}

template <class T> ordered_json orNull(const std::optional<T>& v) {
    return v ? ordered_json(*v) : ordered_json(nullptr);
}
} // namespace

ordered_json taskBacktraceJson(const model::TaskRow& task, const unwind::StackTrace& trace) {
    ordered_json frames = ordered_json::array();
    forEachPrintedFrame(trace, [&](size_t index, const PrintedFrame& p) {
        const auto& f = p.frame;
        ordered_json boundary = nullptr;
        if (f.boundary && p.first)
            boundary = {{"kind", unwind::boundaryKindKey(f.boundary->kind)},
                        {"entry", f.boundary->entry},
                        {"regs_address", f.boundary->kind == unwind::BoundaryKind::CpuState
                                             ? ordered_json(nullptr)
                                             : ordered_json(hex(f.boundary->regsAddress))},
                        {"full_regs", f.boundary->fullRegs},
                        {"regs", regsJson(f.boundary->regs)},
                        {"stack_overflow", f.boundary->stackOverflow}};
        frames.push_back({{"index", index},
                          {"pc", hex(f.pc)},
                          {"sp", hex(f.sp)},
                          {"function", orNull(p.function())},
                          {"offset", f.offset},
                          {"module", orNull(f.module)},
                          {"file", orNull(p.file())},
                          {"line", orNull(p.line())},
                          {"inline", p.inlined != nullptr},
                          {"found_by", unwind::foundByKey(f.foundBy)},
                          {"boundary", boundary},
                          {"interrupted", f.interrupted},
                          {"user", f.userMode},
                          {"stack", f.stack.name},
                          {"slot", hex(f.slot())}});
    });
    return {{"pid", task.pid},           {"tgid", task.tgid},
            {"comm", task.comm},         {"state", std::string(1, task.state)},
            {"cpu", task.cpu},           {"on_cpu", task.onCpu},
            {"task", hex(task.address)}, {"status", unwind::walkStatusKey(trace.stop.kind)},
            {"reason", trace.stop.text}, {"frames", frames}};
}

ordered_json entryTableJson(const model::EntryTable& table) {
    ordered_json rows = ordered_json::array();
    for (const unwind::EntryCall& r : table.rows)
        rows.push_back({{"return_address", hex(r.returnAddress)},
                        {"pt_regs_offset", r.savedStateOffset()},
                        {"full_regs", r.fullRegs},
                        {"kind", unwind::boundaryKindKey(r.kind)},
                        {"entry", r.entrySymbol},
                        {"callee", r.callee}});
    ordered_json untracked = ordered_json::array();
    for (const unwind::EntryCallProblem& p : table.untracked)
        untracked.push_back(
            {{"address", hex(p.address)}, {"function", p.function}, {"reason", p.reason}});
    ordered_json doc;
    doc["addresses"] = table.runtimeAddresses ? "runtime" : "link-time";
    doc["code"] = table.runningCode ? "running" : "vmlinux";
    doc["rows"] = std::move(rows);
    doc["untracked"] = std::move(untracked);
    return doc;
}

StreamedJsonArray::StreamedJsonArray(std::ostream& out, std::string_view key) : out_(out) {
    out_ << "{\n  " << nlohmann::ordered_json(key).dump() << ": [";
}

std::string StreamedJsonArray::elementText(const nlohmann::ordered_json& element) {
    // dump(2) of the element alone, indented two levels deeper as it is inside the document.
    const std::string text = jsonText(element);
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (char c : text) {
        out += c;
        if (c == '\n') out += "    ";
    }
    return out;
}

void StreamedJsonArray::addText(const std::string& text) {
    out_ << (empty_ ? "\n    " : ",\n    ") << text;
    empty_ = false;
}

void StreamedJsonArray::finish(const nlohmann::ordered_json& more) {
    out_ << (empty_ ? "]" : "\n  ]");
    for (const auto& [key, value] : more.items()) {
        std::string text = jsonText(value);
        for (size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 1))
            text.insert(at + 1, "  ");
        out_ << ",\n  " << nlohmann::ordered_json(key).dump() << ": " << text;
    }
    out_ << "\n}\n";
}

} // namespace panicscope::report
