#include "model/session.h"

#include "dump/read_errors.h"

#include "disasm/disassembler.h"
#include "dump/dump_file.h"
#include "kernel/address_kind.h"
#include "kernel/crash_facts.h"
#include "kernel/irqs.h"
#include "kernel/kaslr.h"
#include "kernel/kernel_view.h"
#include "kernel/memory_totals.h"
#include "kernel/module_facts.h"
#include "kernel/module_regions.h"
#include "kernel/modules.h"
#include "kernel/mutex_wait.h"
#include "kernel/per_cpu.h"
#include "kernel/printk_log.h"
#include "kernel/run_queues.h"
#include "kernel/system_state.h"
#include "kernel/tasks.h"
#include "kernel/vmlinux_match.h"
#include "model/find_vmlinux.h"
#include "model/module_file_locator.h"
#include "model/task_selection.h"
#include "model/type_queries.h"
#include "symbols/memory_image.h"
#include "symbols/vmlinux.h"
#include "unwind/backtracer.h"
#include "unwind/code_map.h"
#include "unwind/module_code.h"
#include "unwind/module_debug_files.h"
#include "unwind/stacks.h"
#include "unwind/symbolizer.h"
#include "unwind/unwind_tables.h"
#include "util/dump_text.h"
#include "util/hex.h"
#include "util/lazy.h"
#include "util/parallel_batch.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <future>
#include <unordered_map>

namespace panicscope::model {

namespace {

// On a damaged dump, later failures are consequences: say the cause first, and only once (a
// read's message names the truncation again).
std::string withoutTruncationHint(std::string message) {
    const std::string hint = " (" + std::string(dump::kTruncatedFileHint) + ")";
    for (size_t at; (at = message.find(hint)) != std::string::npos;)
        message.erase(at, hint.size());
    return message;
}

Error blameDamage(Error e, const dump::DumpFile& dump) {
    if (dump.warnings().empty()) return e;
    e.message = dump.warnings().front() + "; " + withoutTruncationHint(std::move(e.message));
    return e;
}

// VMCOREINFO's PAGESIZE when it is one x86-64 has, else 4 KiB.
uint64_t pageSizeOf(const dump::Vmcoreinfo& vmcoreinfo) {
    const auto text = vmcoreinfo.value("PAGESIZE");
    const auto size = text ? parseDecimal(*text) : std::nullopt;
    return size && (*size == 4096 || *size == (2u << 20)) ? *size : 4096;
}

template <class T> tl::unexpected<Error> failure(const Result<T>& r) {
    return tl::unexpected(r.error());
}

EntryTable entryTableFrom(const unwind::EntryCallTable& table, uint64_t offset, bool runtime) {
    EntryTable out;
    out.runtimeAddresses = runtime;
    out.rows.assign(table.rows().begin(), table.rows().end());
    for (auto& r : out.rows)
        r.returnAddress += offset;
    out.untracked.assign(table.problems().begin(), table.problems().end());
    for (auto& p : out.untracked)
        p.address += offset;
    return out;
}

// What the unwinder works with, built together on first use: the loaded modules' code, the code
// map over them and the vmlinux, their debug files, the symbolizer and the backtracer.
struct Unwinding {
    unwind::ModuleCodeList modules;
    unwind::CodeMap code;
    std::unique_ptr<unwind::ModuleDebugFiles> moduleFiles;
    std::unique_ptr<unwind::Symbolizer> symbolizer;
    std::optional<unwind::Backtracer> backtracer;
};

} // namespace

struct Session::Impl {
    std::unique_ptr<dump::DumpFile> dump;
    std::unique_ptr<symbols::Vmlinux> vmlinux;
    kernel::KaslrOffset kaslr;
    std::vector<std::string> openWarnings;
    std::vector<std::string> optionWarnings; // module directories that are not there
    std::vector<std::string> moduleDirs;
    std::vector<std::string> debugDirs;
    std::string debuginfodUrls;
    std::function<void(const std::string&)> note;
    std::unique_ptr<kernel::KernelView> view;
    // SessionOptions::prepareUnwinding: the vmlinux's unwind tables, loading on a second thread.
    mutable std::future<unwind::UnwindTables> tablesLoading;

    Lazy<kernel::PerCpu> perCpu;
    Lazy<kernel::TaskList> taskList;
    Lazy<std::optional<uint64_t>> crashingAddress;
    Lazy<kernel::KernelLog> kernelLog;
    Lazy<kernel::KernelLogTail> kernelLogTail;
    Lazy<unwind::UnwindTables> tables;
    Lazy<kernel::ModuleList> moduleList; // struct module as the kernel model reads it
    Lazy<std::unique_ptr<Unwinding>> unwinding;

    const Result<kernel::PerCpu>& cpus() const {
        return perCpu.get([&]() -> Result<kernel::PerCpu> {
            auto p = kernel::PerCpu::read(*view);
            if (!p) return tl::unexpected(blameDamage(p.error(), *dump));
            return p;
        });
    }
    const Result<kernel::TaskList>& readTasks() const {
        return taskList.get([&]() -> Result<kernel::TaskList> {
            const auto& c = cpus();
            if (!c) return failure(c);
            auto t = kernel::readTasks(*view, *c);
            if (!t) return tl::unexpected(blameDamage(t.error(), *dump));
            return t;
        });
    }
    const Result<kernel::KernelLog>& readLog() const {
        return kernelLog.get([&]() -> Result<kernel::KernelLog> {
            auto l = kernel::readKernelLog(*view);
            if (!l) return tl::unexpected(blameDamage(l.error(), *dump));
            return l;
        });
    }
    // The log's newest records: what the facts of the crash come from, without the megabytes
    // of ring before them.
    const Result<kernel::KernelLogTail>& readLogTail() const {
        return kernelLogTail.get([&] { return kernel::readKernelLogTail(*view, 512); });
    }
    // The log the crash facts are read from: its tail when that gives the same facts as the
    // whole log, else the whole log (or its error).
    Result<const kernel::KernelLog*> crashLog(const kernel::TaskList& tasks) const {
        const bool needCpuLine = !kernel::readCrashingTask(*view, tasks, nullptr).panicCpu;
        const auto& tail = readLogTail();
        if (tail && tail->log.warnings.empty() &&
            (tail->whole || kernel::crashFactsIn(tail->log, needCpuLine)))
            return &tail->log;
        const auto& whole = readLog();
        if (!whole) return failure(whole);
        return &*whole;
    }

    const Result<std::optional<uint64_t>>& crashing() const {
        return crashingAddress.get([&]() -> Result<std::optional<uint64_t>> {
            const auto& t = readTasks();
            if (!t) return failure(t);
            auto facts = kernel::readCrashingTask(*view, *t, nullptr);
            if (!facts.panicCpu)
                if (auto log = crashLog(*t)) facts = kernel::readCrashingTask(*view, *t, *log);
            return facts.crashingTask;
        });
    }
    const Result<kernel::ModuleList>& readModules() const {
        return moduleList.get([&] { return kernel::readModules(*view); });
    }
    const Result<unwind::UnwindTables>& unwindTables() const {
        return tables.get([&]() -> Result<unwind::UnwindTables> {
            if (tablesLoading.valid()) return tablesLoading.get();
            return unwind::UnwindTables::load(*vmlinux);
        });
    }
    const Result<std::unique_ptr<Unwinding>>& unwinder() const {
        return unwinding.get(
            [&]() -> Result<std::unique_ptr<Unwinding>> { return makeUnwinding(); });
    }
    Result<std::unique_ptr<Unwinding>> makeUnwinding() const;

    // `crashingTask`: its task_struct address, 0 when unknown.
    TaskRow row(const kernel::Task& t, uint64_t crashingTask) const {
        return {t.address,
                t.pid,
                t.tgid,
                t.ppid,
                t.comm,
                t.state,
                t.cpu,
                t.onCpu,
                crashingTask == t.address,
                t.kernelThread,
                t.nvcsw,
                t.nivcsw,
                t.lastRun,
                t.utime,
                t.stime,
                t.startTime,
                kernel::taskSourceKey(t.source)};
    }
    // The task at a task_struct address (an index built once: a batch asks for every task).
    const kernel::Task* findTask(uint64_t address) const {
        const auto& t = readTasks();
        if (!t) return nullptr;
        const auto& index = taskIndex.get([&] {
            std::unordered_map<uint64_t, size_t> byAddress;
            for (size_t i = 0; i < t->tasks.size(); ++i)
                byAddress.emplace(t->tasks[i].address, i); // the first, as the old scan found
            return byAddress;
        });
        const auto it = index->find(address);
        return it == index->end() ? nullptr : &t->tasks[it->second];
    }
    Lazy<std::unordered_map<uint64_t, size_t>> taskIndex;
    // The type graph and the reads by type (struct, p, whatis, list), built on first use.
    Lazy<std::unique_ptr<TypeQueries>> typeQueries;
    const Result<std::unique_ptr<TypeQueries>>& types() const {
        return typeQueries.get([&]() -> Result<std::unique_ptr<TypeQueries>> {
            return std::make_unique<TypeQueries>(
                *view, *vmlinux, pageSizeOf(dump->vmcoreinfo()),
                [this]() -> const Result<kernel::PerCpu>& { return cpus(); });
        });
    }
    std::vector<std::string> unwindWarnings() const;
    DataSources sources() const {
        DataSources out;
        out.fromDump = vmlinux->isDumpMemory();
        out.symbols = out.fromDump ? "kallsyms" : "elf";
        out.types = vmlinux->btf() ? "btf" : "dwarf";
        // What the unwinder will use: ORC when the kernel has it (as OrcTable::fromVmlinux).
        out.unwind = vmlinux->symbols().byName("__start_orc_unwind_ip") ? "orc" : "frame-pointer";
        out.dwarf = vmlinux->hasDwarf();
        return out;
    }

    // Symbols: see Session::symbolize and lookupSymbol.
    std::optional<SymbolInfo> symbolizeAt(uint64_t address) const;
    SymbolInfo describeSymbol(const symbols::Symbol& symbol) const;
    std::optional<SymbolInfo> describePerCpu(uint64_t address) const;
    // The runtime address of a loaded module's symbol by name, the first module's that has it.
    std::optional<uint64_t> moduleSymbol(const std::string& name) const {
        const auto& u = unwinder();
        if (!u) return std::nullopt;
        for (const auto& m : (*u)->modules.modules)
            if (const symbols::Symbol* s = m.symbols.byName(name)) return s->address;
        return std::nullopt;
    }
};

Result<std::unique_ptr<Unwinding>> Session::Impl::makeUnwinding() const {
    const auto& c = cpus();
    if (!c) return failure(c);
    const auto& t = unwindTables();
    if (!t) return failure(t);
    auto u = std::make_unique<Unwinding>();
    // Modules carry ORC in the vmlinux's own format.
    const auto format = unwind::orcFormatOf(*vmlinux);
    u->modules = unwind::loadModuleCode(*view, format ? std::optional<unwind::OrcFormat>(*format)
                                                      : std::nullopt);
    u->code =
        unwind::CodeMap(vmlinux->symbols(), view->kaslrOffset(), t->orc.get(), u->modules.modules);
    // Where struct module keeps its name, for a .ko without .modinfo's name= (before 5.3).
    auto nameMember = view->member("module", "name");
    u->moduleFiles = std::make_unique<unwind::ModuleDebugFiles>(
        moduleDirs, u->modules.modules, vmlinux->release(),
        nameMember ? nameMember->offset : ~uint64_t(0),
        moduleFileLocator(*view, debugDirs, debuginfodUrls, note));
    u->symbolizer = std::make_unique<unwind::Symbolizer>(*vmlinux, u->code, u->moduleFiles.get());
    auto b = unwind::Backtracer::create(*view, *vmlinux, *dump, *c, u->code, t->entryCalls.get(),
                                        *u->symbolizer);
    if (!b) return failure(b);
    u->backtracer = std::move(*b);
    return u;
}

std::optional<SymbolInfo> Session::Impl::symbolizeAt(uint64_t address) const {
    // bt's symbolizer (modules included); without it (unreadable per-CPU data or unwind
    // tables) the same rule on the vmlinux alone.
    const auto& u = unwinder();
    const unwind::CodeMap vmlinuxOnly(vmlinux->symbols(), kaslr.offset, nullptr, {});
    const unwind::Symbolizer vmlinuxSymbolizer(*vmlinux, vmlinuxOnly, nullptr);
    const unwind::CodeMap& code = u ? (*u)->code : vmlinuxOnly;
    unwind::Frame frame;
    frame.pc = address;
    frame.interrupted = true; // the address itself, not a return address
    (u ? *(*u)->symbolizer : vmlinuxSymbolizer).symbolize(frame, true);
    const unwind::CodeRef ref = code.find(address);
    // A per-CPU variable's link address is an offset: no runtime address is in it this way.
    if (!frame.function || !ref.symbol ||
        (!ref.inModule() && kernel::isPerCpuSymbol(vmlinux->symbols(), *ref.symbol)))
        return std::nullopt;
    SymbolInfo out;
    out.query = hex(address);
    out.address = address;
    out.name = *frame.function;
    out.symbolAddress = address - frame.offset;
    out.offset = frame.offset;
    out.size = frame.functionSize;
    out.isFunction = ref.function() != nullptr;
    out.module = frame.module;
    out.file = frame.file;
    out.line = frame.line;
    return out;
}

SymbolInfo Session::Impl::describeSymbol(const symbols::Symbol& symbol) const {
    const symbols::SymbolTable& table = vmlinux->symbols();
    SymbolInfo out;
    if (kernel::isPerCpuSymbol(table, symbol)) {
        if (auto at = describePerCpu(symbol.address)) out = *at; // each CPU's address
        out.perCpu = true;
        out.address = out.symbolAddress = symbol.address;
    } else {
        out.address = out.symbolAddress = symbol.address + kaslr.offset;
        if (auto at = symbolizeAt(out.address)) { // its file:line
            out.file = at->file;
            out.line = at->line;
        }
    }
    out.name = symbol.name; // not an alias at the same address
    out.offset = 0;
    out.size = table.kallsymsSize(symbol);
    out.isFunction = symbol.isFunction;
    return out;
}

std::optional<SymbolInfo> Session::Impl::describePerCpu(uint64_t address) const {
    const symbols::SymbolTable& table = vmlinux->symbols();
    const uint64_t areaSize = kernel::perCpuAreaSize(table);
    const auto& c = cpus();
    // An offset (as `sym runqueues` prints it), or an address in one CPU's area.
    std::optional<unsigned> cpu;
    uint64_t offset = address;
    if (address > areaSize || areaSize == 0) { // __per_cpu_end itself is an offset too
        if (!c) return std::nullopt;
        for (unsigned i : c->cpus())
            if (address >= c->areaOf(i) && address - c->areaOf(i) < areaSize) cpu = i;
        if (!cpu) return std::nullopt;
        offset = address - c->areaOf(*cpu);
    }
    const symbols::Symbol* s = table.containing(offset);
    if (!s || !kernel::isPerCpuSymbol(table, *s)) return std::nullopt;
    SymbolInfo out;
    out.query = hex(address);
    out.address = address;
    out.name = s->name;
    out.symbolAddress = address - (offset - s->address);
    out.offset = offset - s->address;
    out.size = table.kallsymsSize(*s);
    out.isFunction = s->isFunction;
    out.perCpu = true;
    out.cpu = cpu;
    if (!cpu && c)
        for (unsigned i : c->cpus())
            out.cpuAddresses.push_back({i, c->areaOf(i) + offset});
    return out;
}

std::vector<std::string> Session::Impl::unwindWarnings() const {
    std::vector<std::string> all;
    if (const auto* t = tables.peek()) all = t->warnings;
    if (auto damage = vmlinux->debugInfoDamage()) all.push_back(*damage);
    if (const auto* u = unwinding.peek()) {
        const auto& m = (*u)->modules.warnings;
        all.insert(all.end(), m.begin(), m.end());
        if ((*u)->moduleFiles) {
            auto files = (*u)->moduleFiles->warnings();
            all.insert(all.end(), files.begin(), files.end());
        }
    }
    return all;
}

Session::Session(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::~Session() = default;

const std::string& Session::dumpPath() const {
    return impl_->dump->path();
}

std::vector<Diagnostic> Session::warnings() const {
    auto all = warningsFrom("dump", impl_->dump->warnings());
    auto open = warningsFrom("vmlinux", impl_->openWarnings);
    all.insert(all.end(), open.begin(), open.end());
    auto options = warningsFrom("options", impl_->optionWarnings);
    all.insert(all.end(), options.begin(), options.end());
    return all;
}

namespace {

// A --module-dir that is no directory finds no .ko: say so rather than print no lines silently.
std::vector<std::string> missingModuleDirs(const std::vector<std::string>& dirs) {
    std::vector<std::string> out;
    for (const auto& dir : dirs) {
        std::error_code error;
        if (std::filesystem::is_directory(dir, error)) continue;
        out.push_back(
            "module directory " + dir +
            (std::filesystem::exists(dir, error) ? ": not a directory" : ": no such directory"));
    }
    return out;
}

// The vmlinux of the options, or the one found for the dump's release.
Result<std::string> vmlinuxPathFor(const SessionOptions& options, const dump::DumpFile& dump) {
    if (options.vmlinuxPath) return *options.vmlinuxPath;
    auto release = dump.vmcoreinfo().osrelease();
    if (!release) release = dump.utsField("release");
    if (!release)
        return fail(Errc::VmlinuxMissing, dump.path() + ": the dump does not say which "
                                                        "kernel it is; give --vmlinux FILE");
    return findVmlinux(options, *release, dump.vmcoreinfo().buildId());
}

// The kernel image of the dump: the vmlinux file given or found, else (or with noVmlinux) the one
// in the dump's memory. When neither is there, the error says what each lacks.
// `notFound` gets why no vmlinux file was used when the dump alone serves instead.
Result<std::unique_ptr<symbols::Vmlinux>>
openKernelImage(const SessionOptions& options, const dump::DumpFile& dump,
                const std::function<void(const std::string&)>& progress,
                std::optional<Error>& notFound) {
    if (!options.noVmlinux) {
        auto path = vmlinuxPathFor(options, dump);
        if (path) {
            progress("reading " + *path);
            return symbols::Vmlinux::open(*path, options.prepareSourceLines);
        }
        if (path.error().code != Errc::VmlinuxMissing) return failure(path);
        notFound = path.error();
    }
    progress("reading kallsyms and BTF from the dump");
    auto image = symbols::Vmlinux::fromDumpMemory(dump, dump.vmcoreinfo(), dump.path());
    if (image) return image;
    Error e = image.error();
    if (notFound) e.code = notFound->code;
    e.message = (notFound ? notFound->message + ", and the dump alone is not enough: "
                          : std::string("the dump alone is not enough: ")) +
                e.message;
    return tl::unexpected(std::move(e));
}

} // namespace

Result<std::unique_ptr<Session>> Session::open(const SessionOptions& options) {
    auto progress = [&](const std::string& what) {
        if (options.progress) options.progress(what);
    };
    auto s = std::make_unique<Impl>();
    s->moduleDirs = options.moduleDirs;
    s->debugDirs = options.debugDirs;
    s->debuginfodUrls = options.debuginfodUrls;
    s->note = options.note;
    progress("opening the dump");
    auto dump = dump::DumpFile::open(options.dumpPaths);
    if (!dump) return failure(dump);
    s->dump = std::move(*dump);
    std::optional<Error> vmlinuxNotFound;
    auto vmlinux = openKernelImage(options, *s->dump, progress, vmlinuxNotFound);
    if (!vmlinux) return failure(vmlinux);
    s->vmlinux = std::move(*vmlinux);
    const std::string& vmlinuxPath = s->vmlinux->path();
    if (options.prepareUnwinding)
        s->tablesLoading = std::async(
            std::launch::async, [v = s->vmlinux.get()] { return unwind::UnwindTables::load(*v); });

    // A release mismatch is the most common mistake: say so before KASLR can fail confusingly.
    const auto& vmcoreinfo = s->dump->vmcoreinfo();
    if (auto release = vmcoreinfo.osrelease(); release && *release != s->vmlinux->release())
        return fail(Errc::VmlinuxMismatch, "vmlinux " + vmlinuxPath +
                                               " does not match the dump: the dump is " + *release +
                                               ", the vmlinux is " + s->vmlinux->release());
    auto kaslr = kernel::findKaslrOffset(vmcoreinfo, s->vmlinux->symbols());
    // Damaged notes lost VMCOREINFO: QEMU's missing `-device vmcoreinfo` is not the cause.
    if (!kaslr && vmcoreinfo.empty() && s->dump->facts().noteDamage)
        return fail(Errc::Corrupt, *s->dump->facts().noteDamage +
                                       "; without VMCOREINFO the KASLR offset is unknown");
    if (!kaslr)
        return tl::unexpected(blameDamage(withContext(kaslr.error(), s->dump->path()), *s->dump));
    s->kaslr = *kaslr;
    s->view = std::make_unique<kernel::KernelView>(*s->dump, s->vmlinux->symbols(),
                                                   s->vmlinux->layouts(), kaslr->offset);
    progress("checking that the vmlinux matches the dump");
    auto match = kernel::checkVmlinuxMatchesDump(vmcoreinfo, *s->vmlinux, *s->view);
    if (!match) return tl::unexpected(blameDamage(match.error(), *s->dump));
    // After the dump's own truncation warning, which says it once.
    if (*match)
        s->openWarnings.push_back(s->dump->warnings().empty() ? **match
                                                              : withoutTruncationHint(**match));
    if (s->vmlinux->isDumpMemory())
        s->openWarnings.push_back(
            "no vmlinux" + (vmlinuxNotFound ? " (" + vmlinuxNotFound->message + ")" : "") +
            ": symbols, types and unwind data come from the dump's memory (kallsyms, BTF, ORC); "
            "no file:line or inline frames");
    else if (!s->vmlinux->hasDwarf())
        s->openWarnings.push_back(vmlinuxPath +
                                  " has no DWARF debug info: no file:line, inline frames or CFI");
    s->optionWarnings = missingModuleDirs(options.moduleDirs);
    return std::unique_ptr<Session>(new Session(std::move(s)));
}

Result<TaskTable> Session::tasks() const {
    const auto& list = impl_->readTasks();
    if (!list) return failure(list);
    const auto& crashing = impl_->crashing();
    const uint64_t crashingTask = crashing && *crashing ? **crashing : 0;
    TaskTable out;
    out.tasks.reserve(list->tasks.size());
    for (const auto& t : list->tasks)
        out.tasks.push_back(impl_->row(t, crashingTask));
    out.warnings = warningsFrom("tasks", list->warnings);
    return out;
}

Result<std::optional<TaskRow>> Session::crashingTask() const {
    const auto& crashing = impl_->crashing();
    if (!crashing) return failure(crashing);
    if (!*crashing) return std::nullopt;
    const kernel::Task* t = impl_->findTask(**crashing);
    if (!t) return std::nullopt;
    return impl_->row(*t, **crashing);
}

Result<KernelLog> Session::log() const {
    const auto& log = impl_->readLog();
    if (!log) return failure(log);
    return KernelLog{log->records, warningsFrom("log", log->warnings)};
}

Result<RunQueueTable> Session::runQueues() const {
    const auto& c = impl_->cpus();
    if (!c) return failure(c);
    auto queues = kernel::readRunQueues(*impl_->view, *c);
    if (!queues) return tl::unexpected(blameDamage(queues.error(), *impl_->dump));
    auto ref = [&](uint64_t address) {
        const kernel::Task* t = impl_->findTask(address);
        return t ? TaskRef{t->pid, t->comm, address} : TaskRef{-1, "?", address};
    };
    auto rows = [&](const std::vector<kernel::QueuedTask>& queued) {
        std::vector<QueuedTaskRow> out;
        for (const auto& q : queued)
            out.push_back({ref(q.task), q.prio});
        return out;
    };
    RunQueueTable out;
    for (const auto& q : *queues) {
        RunQueueRow row{q.cpu,     q.address,  std::nullopt, q.rtArray,
                        q.cfsRoot, rows(q.rt), rows(q.cfs)};
        if (q.current) row.current = ref(q.current);
        out.cpus.push_back(std::move(row));
        for (auto& w : warningsFrom("runq", q.warnings))
            out.warnings.push_back(std::move(w));
    }
    return out;
}

Result<InterruptTable> Session::interrupts() const {
    const auto& c = impl_->cpus();
    if (!c) return failure(c);
    auto irqs = kernel::readIrqs(*impl_->view, *c);
    if (!irqs) return tl::unexpected(blameDamage(irqs.error(), *impl_->dump));
    InterruptTable out;
    out.cpus = c->cpus();
    for (auto& irq : irqs->irqs) {
        IrqRow row{irq.number, irq.desc, std::move(irq.counts), {}};
        for (auto& a : irq.actions) {
            const symbols::Symbol* sym = impl_->view->symbolAt(a.handler);
            std::string name = hex(a.handler);
            if (sym && sym->address + impl_->kaslr.offset == a.handler) name = sym->name;
            row.actions.push_back({std::move(a.name), a.handler, std::move(name)});
        }
        out.irqs.push_back(std::move(row));
    }
    out.warnings = warningsFrom("irq", irqs->warnings);
    return out;
}

Result<DumpInfo> Session::info() const {
    const Impl& s = *impl_;
    DumpInfo info;
    info.dumpPath = s.dump->path();
    info.format = s.dump->facts().description;
    info.sources = s.sources();
    if (!info.sources.fromDump) info.vmlinuxPath = s.vmlinux->path();
    info.buildId = s.vmlinux->buildId();
    info.kaslrOffset = s.kaslr.offset;
    // init_uts_ns is what uname(2) returned; libkdumpfile's copy is the fallback.
    auto uts = s.view->address("init_uts_ns");
    auto utsField = [&](const char* field) -> std::string {
        if (uts)
            if (auto v =
                    s.view->readStringField(*uts, "uts_namespace", std::string("name.") + field))
                return *v;
        return s.dump->utsField(field).value_or("");
    };
    info.release = utsField("release");
    info.version = utsField("version");
    info.machine = utsField("machine");
    info.nodename = utsField("nodename");

    const auto& cpus = s.cpus();
    if (!cpus) return failure(cpus);
    info.cpus = static_cast<unsigned>(cpus->cpus().size());
    const auto& taskList = s.readTasks();
    if (!taskList) return failure(taskList);
    info.warnings = warnings();
    for (auto& w : warningsFrom("tasks", taskList->warnings))
        info.warnings.push_back(std::move(w));
    const auto kernelLog = s.crashLog(*taskList);
    if (!kernelLog)
        info.warnings.push_back({"log", Diagnostic::Severity::Warning, std::nullopt,
                                 "kernel log: " + kernelLog.error().message});
    const auto facts = kernel::readCrashFacts(*s.view, *taskList, kernelLog ? *kernelLog : nullptr);
    info.panicMessage = facts.panicMessage;
    info.panicCpu = facts.panicCpu;
    info.uptimeSeconds = facts.uptimeSeconds;
    if (facts.crashingTask) {
        if (const kernel::Task* t = s.findTask(*facts.crashingTask))
            info.crashingTask = TaskRef{t->pid, t->comm, t->address};
        else
            info.warnings.push_back(
                {"tasks", Diagnostic::Severity::Warning, *facts.crashingTask,
                 "the crashing task " + hex(*facts.crashingTask) + " is not in the task list"});
    }
    return info;
}

Result<std::vector<ModuleRow>> Session::modules() const {
    const auto& u = impl_->unwinder();
    if (!u) return failure(u);
    std::vector<ModuleRow> out;
    for (const auto& m : (*u)->modules.modules) {
        const auto facts = kernel::readModuleFacts(*impl_->view, m.address);
        out.push_back({m.name, m.address, m.textBase, m.textSize, m.orc.size() > 0,
                       (*u)->moduleFiles && (*u)->moduleFiles->find(m.name) != nullptr, facts.size,
                       facts.taints});
    }
    return out;
}

Result<SelectedTasks> Session::selectAvailableTasks(const TaskSelection& selection) const {
    auto table = tasks();
    if (!table) return failure(table);
    // An unreadable panic CPU is an error here, not just an unmarked list.
    if (selection.kind == TaskSelection::Kind::Crashing)
        if (const auto& crashing = impl_->crashing(); !crashing) return failure(crashing);
    return selectAvailableTaskRows(table->tasks, selection);
}

Result<std::vector<TaskRow>> Session::selectTasks(const TaskSelection& selection) const {
    auto chosen = selectAvailableTasks(selection);
    if (!chosen) return failure(chosen);
    if (!chosen->missingPids.empty())
        return fail(Errc::Usage, noTaskWithPid(chosen->missingPids.front()));
    return std::move(chosen->tasks);
}

Result<unwind::StackTrace> Session::backtrace(const TaskRow& task,
                                              const BacktraceOptions& options) const {
    const auto& u = impl_->unwinder();
    if (!u) return failure(u);
    const kernel::Task* t = impl_->findTask(task.address);
    if (!t)
        return fail(Errc::Usage,
                    "no task at " + hex(task.address) + " (pid " + std::to_string(task.pid) + ")");
    return (*u)->backtracer->backtrace(*t, options.lines);
}

Result<std::optional<MutexWaitInfo>> Session::mutexWait(const TaskRow& task) const {
    const kernel::Task* t = impl_->findTask(task.address);
    if (!t)
        return fail(Errc::Usage,
                    "no task at " + hex(task.address) + " (pid " + std::to_string(task.pid) + ")");
    auto size = unwind::threadSize(*impl_->view);
    if (!size) return failure(size);
    auto wait = kernel::findMutexWait(*impl_->view, *t, *size,
                                      [&](uint64_t address) { return impl_->findTask(address); });
    if (!wait) return failure(wait);
    if (!*wait) return std::optional<MutexWaitInfo>();
    MutexWaitInfo info{(*wait)->mutex, (*wait)->waiter, (*wait)->owner, std::nullopt,
                       (*wait)->waiters};
    if (const kernel::Task* owner = impl_->findTask(info.ownerAddress)) {
        const auto& crashing = impl_->crashing();
        info.owner = impl_->row(*owner, crashing && *crashing ? **crashing : 0);
    }
    return std::optional(std::move(info));
}

Result<void> Session::backtraces(const std::vector<TaskRow>& tasks, const BacktraceOptions& options,
                                 const OnBacktrace& onTask, const OnProgress& progress,
                                 const CancelToken* cancel) const {
    const auto& u = impl_->unwinder();
    if (!u) return failure(u);
    auto unwindOne = [&](size_t i) {
        auto trace = backtrace(tasks[i], options);
        if (!trace) { // the task is gone from the list: say so in its trace
            unwind::StackTrace empty;
            empty.stop = {unwind::WalkStatus::Truncated, tasks[i].address, trace.error().message};
            trace = std::move(empty);
        }
        onTask(i, tasks[i], std::move(*trace));
    };
    const auto result = runParallel(tasks.size(), unwindOne, progress,
                                    [cancel] { return cancel && cancel->cancelled(); });
    if (result.cancelled) return fail(Errc::Cancelled, "cancelled");
    return {};
}

std::vector<Diagnostic> Session::backtraceWarnings() const {
    return warningsFrom("unwind", impl_->unwindWarnings());
}

namespace {

// `length` bytes at `address` in one address space of the dump, page by page, the pages it lacks
// zeroed and marked.
Result<MemoryBlock> readBlock(const dump::DumpFile& dump, uint64_t address, size_t length,
                              dump::AddressSpace space) {
    constexpr size_t kMaxRead = 64u << 20;
    if (length > kMaxRead)
        return fail(Errc::Usage,
                    "cannot read " + std::to_string(length) + " bytes at once (at most 64 MiB)");
    if (address + length < address)
        return fail(Errc::Usage, "the range at " + hex(address) + " wraps around");
    return dump::readBlock(dump, address, length, pageSizeOf(dump.vmcoreinfo()), space);
}

} // namespace

Result<MemoryBlock> Session::readMemory(uint64_t address, size_t length) const {
    return readBlock(*impl_->dump, address, length, dump::AddressSpace::KernelVirtual);
}

Result<MemoryBlock> Session::readPhysicalMemory(uint64_t address, size_t length) const {
    return readBlock(*impl_->dump, address, length, dump::AddressSpace::Physical);
}

Result<std::pair<uint64_t, uint64_t>> Session::directMapRange() const {
    // page_offset_base is a variable under KASLR (CONFIG_RANDOMIZE_MEMORY), max_pfn the end of
    // physical memory.
    auto base = impl_->view->readGlobal("page_offset_base");
    if (!base) return failure(base);
    auto maxPfn = impl_->view->readGlobal("max_pfn");
    if (!maxPfn) return failure(maxPfn);
    const uint64_t page = pageSizeOf(impl_->dump->vmcoreinfo());
    constexpr uint64_t kMaxPhysical = 1ull << 52; // x86-64's physical address width
    if (*maxPfn == 0 || *maxPfn > kMaxPhysical / page || *base + *maxPfn * page < *base)
        return fail(Errc::Corrupt, "max_pfn " + std::to_string(*maxPfn) + " is not plausible");
    return std::pair{*base, *base + *maxPfn * page};
}

Result<SearchResult> Session::searchMemory(const SearchRequest& request, const OnProgress& progress,
                                           const CancelToken* cancel) const {
    constexpr uint64_t kMaxRange = 64ull << 30;
    const uint64_t begin = request.begin & ~uint64_t(7);
    if (request.end <= begin)
        return fail(Errc::Usage, "the search range " + hex(request.begin) + "-" + hex(request.end) +
                                     " is empty");
    if (request.end - begin > kMaxRange)
        return fail(Errc::Usage, "the search range " + hex(request.begin) + "-" + hex(request.end) +
                                     " is over 64 GiB");
    constexpr uint64_t kChunk = 1u << 20;
    SearchResult out;
    const uint64_t want = request.value & request.mask;
    for (uint64_t at = begin; at < request.end;) {
        if (cancel && cancel->cancelled()) return fail(Errc::Cancelled, "cancelled");
        const uint64_t length = std::min(kChunk, request.end - at);
        auto block = readMemory(at, length);
        if (!block) return failure(block);
        uint64_t missing = 0;
        for (const auto& [b, e] : block->missing)
            missing += e - b;
        out.bytesMissing += missing;
        out.bytesSearched += length - missing;
        size_t gap = 0; // walks block->missing along with the words
        for (uint64_t off = 0; off + 8 <= length; off += 8) {
            const uint64_t a = at + off;
            while (gap < block->missing.size() && block->missing[gap].second <= a)
                ++gap;
            if (gap < block->missing.size() && block->missing[gap].first <= a) continue;
            uint64_t word;
            std::memcpy(&word, block->bytes.data() + off, 8);
            if ((word & request.mask) != want) continue;
            if (out.hits.size() == request.maxHits) {
                out.stoppedAtMaxHits = true;
                return out;
            }
            out.hits.push_back({a, word});
        }
        at += length;
        if (progress) progress(at - begin, request.end - begin);
    }
    return out;
}

Result<SymbolInfo> Session::lookupSymbol(const std::string& query) const {
    const Impl& s = *impl_;
    std::optional<SymbolInfo> out;
    if (const symbols::Symbol* sym = s.vmlinux->symbols().byName(query)) {
        out = s.describeSymbol(*sym);
    } else if (auto address = parseHex(query)) {
        out = s.describePerCpu(*address);
        if (!out) out = s.symbolizeAt(*address);
        if (!out) return fail(Errc::NoSymbol, "no symbol at " + hex(*address));
    } else if (auto address = impl_->moduleSymbol(query)) {
        auto in = symbolize(*address); // a loaded module's symbol: named as its code is
        if (!in) return fail(Errc::NoSymbol, "no symbol named '" + query + "'");
        in->query = query;
        return *in;
    } else {
        return fail(Errc::NoSymbol, "no symbol named '" + query + "' (nor is it a hex address)");
    }
    out->query = query;
    return *out;
}

std::optional<SymbolInfo> Session::symbolize(uint64_t address) const {
    return impl_->symbolizeAt(address);
}

std::vector<std::string> Session::symbolNames(std::string_view prefix, size_t limit) const {
    std::vector<std::string> names;
    for (const auto& sym : impl_->vmlinux->symbols().all())
        if (sym.name.starts_with(prefix)) names.emplace_back(sym.name);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    if (names.size() > limit) names.resize(limit);
    return names;
}

// The calls as the running kernel has them, whether the names come from the vmlinux or kallsyms:
// the unwinder's table from the dump alone is that already; with the vmlinux the dump's entry
// text is decoded here (the unwinder keeps the file's, every alternative included).
Result<EntryTable> Session::entryTable() const {
    const uint64_t slide = impl_->view->kaslrOffset();
    if (impl_->vmlinux->isDumpMemory()) {
        const auto& t = impl_->unwindTables();
        if (!t) return failure(t);
        if (t->entryCalls) return entryTableFrom(*t->entryCalls, slide, true);
    }
    const symbols::MemoryImage running(*impl_->dump, slide);
    // Without a table from the unwinder this says why, as building it says.
    auto table = unwind::EntryCallTable::buildFromRunningCode(
        *impl_->vmlinux,
        [&running](uint64_t address, size_t length) { return running.read(address, length); });
    if (!table) return failure(table);
    return entryTableFrom(*table, slide, true);
}

Result<std::vector<CodeLine>> Session::disassemble(uint64_t address, size_t count) const {
    constexpr size_t kMaxInstructions = 100000;
    count = std::min(count, kMaxInstructions);
    auto block = readMemory(address, count * 15); // at most 15 bytes an instruction
    if (!block) return failure(block);
    // Kernel text the dump lacks is in the vmlinux file (without boot-time patching).
    const uint64_t slide = impl_->kaslr.offset;
    for (const auto& [begin, end] : block->missing) {
        auto bytes = impl_->vmlinux->readFileBytes(begin - slide, end - begin);
        if (!bytes) continue;
        std::memcpy(block->bytes.data() + (begin - address), bytes->data(), bytes->size());
    }
    auto disassembler = disasm::Disassembler::create();
    if (!disassembler) return failure(disassembler);
    std::vector<CodeLine> out;
    std::optional<SymbolInfo> last; // the function before: its padding has no symbol of its own
    for (auto& insn : disassembler->decode(block->bytes, address, count)) {
        CodeLine line;
        if (insn.target)
            if (auto s = symbolize(*insn.target)) line.target = s->name + "+" + hex(s->offset);
        if (auto s = symbolize(insn.address)) {
            line.symbol = s->name + "+" + hex(s->offset);
            line.file = s->file;
            line.line = s->line;
            last = s;
        } else if (last && insn.address - last->symbolAddress < last->size) {
            line.symbol = last->name + "+" + hex(insn.address - last->symbolAddress);
        }
        line.instruction = std::move(insn);
        out.push_back(std::move(line));
    }
    if (out.empty())
        return fail(Errc::NotInDump,
                    "no instruction decodes at " + hex(address) +
                        (block->missingReason ? ": " + *block->missingReason : std::string()));
    return out;
}

Result<std::vector<CodeLine>> Session::disassembleFunction(const std::string& query) const {
    std::optional<SymbolInfo> where;
    if (auto address = parseHex(query)) where = symbolize(*address);
    if (!where) {
        auto named = lookupSymbol(query);
        if (!named) return failure(named);
        where = symbolize(named->symbolAddress);
    }
    if (!where || !where->isFunction || where->size == 0)
        return fail(Errc::NoSymbol, "'" + query + "' is in no function");
    auto lines = disassemble(where->symbolAddress, where->size);
    if (!lines) return lines;
    // The function's bytes, not the instructions of the next one.
    std::erase_if(*lines, [&](const CodeLine& l) {
        return l.instruction.address >= where->symbolAddress + where->size;
    });
    return lines;
}

Result<TypeDefinition> Session::describeType(const std::string& name) const {
    const auto& t = impl_->types();
    if (!t) return failure(t);
    return (*t)->describeType(name);
}

Result<VariableInfo> Session::describeVariable(const std::string& name) const {
    const auto& t = impl_->types();
    if (!t) return failure(t);
    return (*t)->describeVariable(name);
}

Result<std::vector<ObjectValue>>
Session::readObject(const std::string& type, uint64_t address,
                    const std::vector<std::string>& members) const {
    const auto& t = impl_->types();
    if (!t) return failure(t);
    return (*t)->readObject(type, address, members);
}

Result<std::vector<ObjectValue>> Session::readVariable(const std::string& expression) const {
    const auto& t = impl_->types();
    if (!t) return failure(t);
    return (*t)->readVariable(expression);
}

Result<ListResult> Session::walkList(const ListRequest& request) const {
    const auto& t = impl_->types();
    if (!t) return failure(t);
    return (*t)->walkList(request);
}

Result<EntryTable> entryTableOfVmlinux(const std::string& vmlinuxPath) {
    auto vmlinux = symbols::Vmlinux::open(vmlinuxPath);
    if (!vmlinux) return failure(vmlinux);
    auto table = unwind::EntryCallTable::build(**vmlinux);
    if (!table) return failure(table);
    EntryTable out = entryTableFrom(*table, 0, false);
    out.runningCode = false;
    return out;
}

Result<SystemInfo> Session::systemInfo() const {
    const Impl& s = *impl_;
    auto dumpInfo = info();
    if (!dumpInfo) return failure(dumpInfo);
    SystemInfo out;
    out.dump = std::move(*dumpInfo);
    out.warnings = out.dump.warnings;
    const auto& modules = s.readModules();
    if (!modules)
        out.warnings.push_back({"modules", Diagnostic::Severity::Warning, std::nullopt,
                                "modules: " + modules.error().message});
    const auto state = kernel::readSystemState(*s.view, modules ? &*modules : nullptr,
                                               pageSizeOf(s.dump->vmcoreinfo()));
    for (auto& w : warningsFrom("system", state.warnings))
        out.warnings.push_back(std::move(w));
    out.wallClockSeconds = state.wallClockSeconds;
    if (state.loadAverage)
        out.loadAverage = {kernel::formatLoad((*state.loadAverage)[0]),
                           kernel::formatLoad((*state.loadAverage)[1]),
                           kernel::formatLoad((*state.loadAverage)[2])};
    out.totalRamPages = state.totalRamPages;
    out.pageSize = state.pageSize;
    if (const auto& tasks = s.readTasks()) out.taskCount = tasks->tasks.size();
    out.taintMask = state.taintMask;
    if (state.taintMask) {
        out.taintText = kernel::taintText(*state.taintMask, state.taintFlags);
        for (const auto& f : state.taintFlags)
            if ((*state.taintMask >> f.bit) & 1 && !f.description.empty())
                out.taintNames.push_back(std::string(1, f.letter) + "=" + f.description);
    }
    for (const auto& m : state.taintingModules)
        out.taintingModules.push_back({m.name, m.taints, m.letters});
    return out;
}

Result<MemoryTotals> Session::memoryTotals() const {
    auto totals = kernel::readMemoryTotals(*impl_->view, pageSizeOf(impl_->dump->vmcoreinfo()));
    if (!totals) return tl::unexpected(blameDamage(totals.error(), *impl_->dump));
    return totals;
}

Result<AddressDescription> Session::describeAddress(uint64_t address) const {
    const Impl& s = *impl_;
    const auto& cpus = s.cpus();
    if (!cpus) return failure(cpus);
    kernel::AddressContext context{*s.view, *cpus, nullptr, 0, {}, {}, 4096};
    context.pageSize = pageSizeOf(s.dump->vmcoreinfo());
    if (auto bits = s.dump->vmcoreinfo().value("NUMBER(SECTION_SIZE_BITS)"))
        if (auto n = parseDecimal(*bits); n && *n > 12 && *n < 48)
            context.sectionSizeBits = static_cast<unsigned>(*n);
    const auto& tasks = s.readTasks();
    if (tasks) context.tasks = &*tasks;
    if (auto size = unwind::threadSize(*s.view)) context.threadSize = *size;
    for (unsigned cpu : cpus->cpus())
        for (auto& range : unwind::cpuStacks(*s.view, *cpus, cpu, context.threadSize))
            context.cpuStacks.push_back({cpu, std::move(range.name), range.begin, range.end});
    std::vector<std::string> moduleWarnings;
    if (const auto& modules = s.readModules())
        context.modules = kernel::readModuleRegions(*s.view, *modules, moduleWarnings);
    auto out = kernel::describeAddress(context, address);
    if (out.kind == AddressKind::Unknown && !moduleWarnings.empty())
        out.note += "; " + moduleWarnings.front();
    return out;
}

} // namespace panicscope::model
