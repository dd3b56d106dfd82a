#include "plugin/c_host.h"

#include "triage/guilty_frame.h"

#include <cstring>
#include <exception>

namespace panicscope::plugin {

namespace {

constexpr size_t kMaxRead = 64u << 20;

const char* orNull(const std::optional<std::string>& s) {
    return s ? s->c_str() : nullptr;
}

// Runs a host function's body for a plugin: C callers get -1 and a message, never an exception.
template <class Body> int guarded(const ps_session* s, Body body) {
    // Const to the plugin, not to the host: it keeps the last error and the strings handed out.
    auto* session = const_cast<ps_session*>(s);
    try {
        return body(*session);
    } catch (const std::exception& e) {
        session->error = std::string("internal error: ") + e.what();
    }
    return -1;
}

int failWith(ps_session& s, const std::string& message) {
    s.error = message;
    return -1;
}

// The session's dump, or why there is none.
const model::Session* dumpOf(ps_session& s) {
    if (!s.session) s.error = "no dump: the report comes from console text";
    return s.session;
}

const char* lastError(const ps_session* s) {
    return s ? s->error.c_str() : "no session";
}

int info(const ps_session* s, ps_info* out) {
    if (!s || !out) return -1;
    return guarded(s, [&](ps_session& ss) {
        auto* session = dumpOf(ss);
        if (!session) return -1;
        auto i = session->info();
        if (!i) return failWith(ss, i.error().message);
        ss.info = std::move(*i);
        *out = ps_info{ss.info.dumpPath.c_str(),
                       ss.info.release.c_str(),
                       ss.info.version.c_str(),
                       ss.info.machine.c_str(),
                       ss.info.panicMessage.c_str(),
                       ss.info.cpus,
                       ss.info.panicCpu ? static_cast<int32_t>(*ss.info.panicCpu) : -1,
                       ss.info.crashingTask ? ss.info.crashingTask->pid : -1,
                       ss.info.kaslrOffset};
        return 0;
    });
}

ps_task cTask(const model::TaskRow& t) {
    return ps_task{t.address, t.pid,   t.tgid,     t.ppid,         t.cpu,
                   t.state,   t.onCpu, t.crashing, t.kernelThread, t.comm.c_str()};
}

int forEachTask(const ps_session* s, ps_task_fn fn, void* context) {
    if (!s || !fn) return -1;
    return guarded(s, [&](ps_session& ss) {
        auto* session = dumpOf(ss);
        if (!session) return -1;
        auto table = session->tasks();
        if (!table) return failWith(ss, table.error().message);
        for (const auto& t : table->tasks) {
            const ps_task task = cTask(t);
            if (fn(context, &task)) break;
        }
        return 0;
    });
}

int forEachModule(const ps_session* s, ps_module_fn fn, void* context) {
    if (!s || !fn) return -1;
    return guarded(s, [&](ps_session& ss) {
        auto* session = dumpOf(ss);
        if (!session) return -1;
        auto modules = session->modules();
        if (!modules) return failWith(ss, modules.error().message);
        for (const auto& m : *modules) {
            const ps_module module{m.name.c_str(),  m.address,          m.textBase,
                                   m.textSize,      m.size.value_or(0), m.size.has_value(),
                                   m.taints.c_str()};
            if (fn(context, &module)) break;
        }
        return 0;
    });
}

int backtrace(const ps_session* s, int32_t pid, ps_frame_fn fn, void* context) {
    if (!s || !fn) return -1;
    return guarded(s, [&](ps_session& ss) {
        auto* session = dumpOf(ss);
        if (!session) return -1;
        auto tasks = session->selectTasks({model::TaskSelection::Kind::Pids, {pid}});
        if (!tasks) return failWith(ss, tasks.error().message);
        if (tasks->empty()) return failWith(ss, "no task has pid " + std::to_string(pid));
        auto trace = session->backtrace(tasks->front(), {});
        if (!trace) return failWith(ss, trace.error().message);
        uint32_t index = 0;
        for (const auto& f : trace->frames) {
            const ps_frame frame{index++,
                                 f.pc,
                                 f.sp,
                                 f.function ? f.function->c_str() : "",
                                 f.offset,
                                 orNull(f.module),
                                 f.foundBy != unwind::FoundBy::Scan};
            if (fn(context, &frame)) break;
        }
        return 0;
    });
}

int readMemory(const ps_session* s, uint64_t address, void* buffer, size_t length) {
    if (!s || (!buffer && length)) return -1;
    return guarded(s, [&](ps_session& ss) {
        auto* session = dumpOf(ss);
        if (!session) return -1;
        if (length > kMaxRead) return failWith(ss, "read_memory: more than 64 MiB asked for");
        auto block = session->readMemory(address, length);
        if (!block) return failWith(ss, block.error().message);
        if (!block->present(address, length))
            return failWith(ss, "read_memory: not all of it is in the dump" +
                                    (block->missingReason ? ": " + *block->missingReason : ""));
        std::memcpy(buffer, block->bytes.data(), length);
        return 0;
    });
}

int symbolize(const ps_session* s, uint64_t address, ps_symbol* out) {
    if (!s || !out) return -1;
    return guarded(s, [&](ps_session& ss) {
        auto* session = dumpOf(ss);
        if (!session) return -1;
        auto symbol = session->symbolize(address);
        if (!symbol) return failWith(ss, "no symbol contains that address");
        ss.symbol = std::move(*symbol);
        *out = ps_symbol{ss.symbol.name.c_str(), ss.symbol.symbolAddress, ss.symbol.offset,
                         ss.symbol.size, orNull(ss.symbol.module)};
        return 0;
    });
}

int lookupSymbol(const ps_session* s, const char* name, uint64_t* address) {
    if (!s || !name || !address) return -1;
    return guarded(s, [&](ps_session& ss) {
        auto* session = dumpOf(ss);
        if (!session) return -1;
        auto symbol = session->lookupSymbol(name);
        if (!symbol) return failWith(ss, symbol.error().message);
        *address = symbol->address;
        return 0;
    });
}

size_t argCount(const ps_args* a) {
    return a && a->call ? a->call->args.size() : 0;
}

const char* arg(const ps_args* a, size_t index) {
    if (!a || !a->call || index >= a->call->args.size()) return nullptr;
    return a->call->args[index].c_str();
}

int hasOption(const ps_args* a, const char* name) {
    return a && a->call && name && a->call->given.contains(name);
}

const char* optionValue(const ps_args* a, const char* name) {
    if (!a || !a->call || !name) return nullptr;
    auto it = a->call->given.find(name);
    return it == a->call->given.end() || it->second.empty() ? nullptr : it->second.back().c_str();
}

int jsonRequested(const ps_args* a) {
    return a && a->call && a->call->json;
}

void writeText(ps_writer* w, const char* text) {
    if (w && w->text && text) *w->text << text;
}

void jsonBeginObject(ps_writer* w, const char* key) {
    if (w) w->json.beginObject(key);
}
void jsonBeginArray(ps_writer* w, const char* key) {
    if (w) w->json.beginArray(key);
}
void jsonEnd(ps_writer* w) {
    if (w) w->json.end();
}
void jsonString(ps_writer* w, const char* key, const char* value) {
    if (!w) return;
    if (!value) return w->json.misuse("json_string with a NULL string");
    w->json.value(key, value);
}
void jsonInt(ps_writer* w, const char* key, int64_t value) {
    if (w) w->json.value(key, value);
}
void jsonUint(ps_writer* w, const char* key, uint64_t value) {
    if (w) w->json.value(key, value);
}
void jsonBool(ps_writer* w, const char* key, int value) {
    if (w) w->json.value(key, value != 0);
}
void jsonNull(ps_writer* w, const char* key) {
    if (w) w->json.value(key, nullptr);
}

triage::ReportSection& section(ps_claim* c, const char* title) {
    auto& sections = c->claim.sections;
    for (auto& s : sections)
        if (s.title == title && !s.json) return s;
    triage::ReportSection& s = sections.emplace_back();
    s.title = title;
    return s;
}

int claimKind(ps_claim* c, const char* key) {
    if (!c || !key) return -1;
    auto kind = triage::crashKindFromKey(key);
    if (!kind) return -1;
    c->claim.kind = *kind;
    return 0;
}

void claimTitle(ps_claim* c, const char* title) {
    if (c && title) c->claim.title = title;
}

int claimGuilty(ps_claim* c, const char* function) {
    if (!c || !function || !c->report) return -1;
    const std::string want = triage::normalizeFunctionName(function);
    for (const auto& f : c->report->frames)
        if (triage::normalizeFunctionName(f.function) == want) {
            c->claim.guiltyFunction = want;
            return 0;
        }
    return -1;
}

void claimField(ps_claim* c, const char* title, const char* key, const char* value) {
    if (c && title && key && value) section(c, title).fields.emplace_back(key, value);
}

int claimJson(ps_claim* c, const char* title, const char* json) {
    if (!c || !title || !json || !nlohmann::json::accept(json)) return -1;
    triage::ReportSection& s = c->claim.sections.emplace_back();
    s.title = title;
    s.json = json;
    return 0;
}

} // namespace

const ps_host& cHost() {
    static const ps_host host = {
        PS_PLUGIN_ABI_VERSION,
        sizeof(ps_host),
        PANICSCOPE_VERSION_TEXT,
        lastError,
        info,
        forEachTask,
        forEachModule,
        backtrace,
        readMemory,
        symbolize,
        lookupSymbol,
        argCount,
        arg,
        hasOption,
        optionValue,
        jsonRequested,
        writeText,
        jsonBeginObject,
        jsonBeginArray,
        jsonEnd,
        jsonString,
        jsonInt,
        jsonUint,
        jsonBool,
        jsonNull,
        claimKind,
        claimTitle,
        claimGuilty,
        claimField,
        claimJson,
    };
    return host;
}

CReport::CReport(const triage::CrashReport& r)
    : kind_(triage::crashKindKey(r.kind)), context_(triage::crashContextKey(r.context)) {
    frameContexts_.reserve(r.frames.size()); // no reallocation: frames_ points into them
    for (const auto& f : r.frames)
        frameContexts_.emplace_back(triage::crashContextKey(f.section));
    for (size_t i = 0; i < r.frames.size(); ++i)
        frames_.push_back(
            {r.frames[i].function.c_str(), orNull(r.frames[i].module), frameContexts_[i].c_str()});
    report_.source = r.source.c_str();
    report_.path = r.path.c_str();
    report_.kind = kind_.c_str();
    report_.title = r.title.c_str();
    report_.message = r.message.c_str();
    report_.panic_message = orNull(r.panicMessage);
    report_.guilty_function = orNull(r.guiltyFunction);
    report_.guilty_module = orNull(r.guiltyModule);
    report_.context = context_.c_str();
    report_.taint = orNull(r.taint);
    report_.signature = r.signature.hash.c_str();
    report_.cpu = r.cpu ? static_cast<int32_t>(*r.cpu) : -1;
    report_.pid = r.task ? r.task->pid : -1;
    report_.comm = r.task ? r.task->comm.c_str() : "";
    report_.has_fault_address = r.faultAddress.has_value();
    report_.fault_address = r.faultAddress.value_or(0);
    report_.frames = frames_.data();
    report_.frame_count = frames_.size();
}

} // namespace panicscope::plugin
