#include "model/session.h"

#include "kernel/vmlinux_match.h"
#include "util/hex.h"

#include <filesystem>

namespace panicscope::model {

Result<std::string> locateVmlinux(const std::string& release,
                                  const std::vector<std::string>& debugDirs) {
    const auto candidates = symbols::vmlinuxCandidates(release, debugDirs);
    for (const auto& path : candidates) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(path, ec)) return path;
    }
    std::string tried;
    for (const auto& path : candidates)
        tried += (tried.empty() ? "" : ", ") + path;
    return fail(Errc::VmlinuxMissing, "no vmlinux for " + release +
                                          " found (give --vmlinux FILE; looked in " + tried + ")");
}

namespace {
// On a damaged dump, later failures are consequences: say the cause first.
Error blameDamage(Error e, const dump::DumpFile& dump) {
    if (!dump.warnings().empty()) e.message = dump.warnings().front() + "; " + e.message;
    return e;
}
// The task at a task_struct address, when the task list has it.
std::optional<TaskRef> taskAt(const kernel::TaskList& tasks, uint64_t address) {
    for (const auto& t : tasks.tasks)
        if (t.address == address) return TaskRef{t.pid, t.comm, t.address};
    return std::nullopt;
}

} // namespace

std::vector<std::string> Session::warnings() const {
    std::vector<std::string> all = dump_->warnings();
    all.insert(all.end(), openWarnings_.begin(), openWarnings_.end());
    return all;
}

Result<std::unique_ptr<Session>> Session::open(const SessionOptions& options) {
    auto progress = [&](const std::string& what) {
        if (options.progress) options.progress(what);
    };
    std::unique_ptr<Session> s(new Session());
    s->moduleDirs_ = options.moduleDirs;
    progress("opening the dump");
    auto dump = dump::DumpFile::open(options.dumpPaths);
    if (!dump) return tl::unexpected(dump.error());
    s->dump_ = std::move(*dump);

    std::string vmlinuxPath;
    if (options.vmlinuxPath) {
        vmlinuxPath = *options.vmlinuxPath;
    } else {
        auto release = s->dump_->vmcoreinfo().osrelease();
        if (!release) release = s->dump_->utsField("release");
        if (!release)
            return fail(Errc::VmlinuxMissing, s->dump_->path() +
                                                  ": the dump does not say which "
                                                  "kernel it is; give --vmlinux FILE");
        auto found = locateVmlinux(*release, options.debugDirs);
        if (!found) return tl::unexpected(found.error());
        vmlinuxPath = *found;
    }
    progress("reading " + vmlinuxPath);
    auto vmlinux = symbols::Vmlinux::open(vmlinuxPath);
    if (!vmlinux) return tl::unexpected(vmlinux.error());
    s->vmlinux_ = std::move(*vmlinux);
    if (options.prepareUnwinding)
        s->unwindTables_ = std::async(
            std::launch::async, [v = s->vmlinux_.get()] { return unwind::UnwindTables::load(*v); });

    // A release mismatch is the most common mistake: say so before KASLR can fail confusingly.
    const auto& vmcoreinfo = s->dump_->vmcoreinfo();
    if (auto release = vmcoreinfo.osrelease(); release && *release != s->vmlinux_->release())
        return fail(Errc::VmlinuxMismatch, "vmlinux " + vmlinuxPath +
                                               " does not match the dump: the dump is " + *release +
                                               ", the vmlinux is " + s->vmlinux_->release());
    auto kaslr = kernel::findKaslrOffset(vmcoreinfo, s->vmlinux_->symbols());
    if (!kaslr)
        return tl::unexpected(blameDamage(withContext(kaslr.error(), s->dump_->path()), *s->dump_));
    s->kaslr_ = *kaslr;
    s->view_ = std::make_unique<kernel::KernelView>(*s->dump_, s->vmlinux_->symbols(),
                                                    s->vmlinux_->layouts(), kaslr->offset);
    progress("checking that the vmlinux matches the dump");
    auto match = kernel::checkVmlinuxMatchesDump(vmcoreinfo, *s->vmlinux_, *s->view_);
    if (!match) return tl::unexpected(blameDamage(match.error(), *s->dump_));
    if (*match) s->openWarnings_.push_back(**match);
    return s;
}

Session::~Session() = default;

Result<const kernel::PerCpu*> Session::perCpu() {
    if (!perCpu_) {
        auto p = kernel::PerCpu::read(*view_);
        if (!p) return tl::unexpected(blameDamage(p.error(), *dump_));
        perCpu_ = std::move(*p);
    }
    return &*perCpu_;
}

Result<const kernel::TaskList*> Session::tasks() {
    if (!tasks_) {
        auto cpus = perCpu();
        if (!cpus) return tl::unexpected(cpus.error());
        auto t = kernel::readTasks(*view_, **cpus);
        if (!t) return tl::unexpected(blameDamage(t.error(), *dump_));
        tasks_ = std::move(*t);
    }
    return &*tasks_;
}

Result<const kernel::KernelLog*> Session::log() {
    if (!log_) {
        log_ = kernel::readKernelLog(*view_);
        if (!*log_) *log_ = tl::unexpected(blameDamage(log_->error(), *dump_));
    }
    if (!*log_) return tl::unexpected(log_->error());
    return &**log_;
}

Result<const unwind::Backtracer*> Session::backtracer() {
    if (!backtracer_) {
        auto cpus = perCpu();
        if (!cpus) return tl::unexpected(cpus.error());
        std::optional<unwind::UnwindTables> tables;
        if (unwindTables_.valid()) tables = unwindTables_.get();
        auto b = unwind::Backtracer::create(*view_, *vmlinux_, *dump_, **cpus, moduleDirs_,
                                            std::move(tables));
        if (!b) return tl::unexpected(b.error());
        backtracer_ = std::move(*b);
    }
    return &*backtracer_;
}

Result<std::optional<TaskRef>> Session::crashingTask() {
    auto taskList = tasks();
    if (!taskList) return tl::unexpected(taskList.error());
    auto facts = kernel::readCrashingTask(*view_, **taskList, nullptr);
    if (!facts.panicCpu)
        if (auto kernelLog = log())
            facts = kernel::readCrashingTask(*view_, **taskList, *kernelLog);
    if (!facts.crashingTask) return std::nullopt;
    return taskAt(**taskList, *facts.crashingTask);
}

Result<DumpInfo> Session::info() {
    DumpInfo info;
    info.dumpPath = dump_->path();
    info.format = dump_->facts().description;
    info.vmlinuxPath = vmlinux_->path();
    info.buildId = vmlinux_->buildId();
    info.kaslrOffset = kaslr_.offset;
    // init_uts_ns is what uname(2) returned; libkdumpfile's copy is the fallback.
    auto uts = view_->address("init_uts_ns");
    auto utsField = [&](const char* field) -> std::string {
        if (uts)
            if (auto v =
                    view_->readStringField(*uts, "uts_namespace", std::string("name.") + field))
                return *v;
        return dump_->utsField(field).value_or("");
    };
    info.release = utsField("release");
    info.version = utsField("version");
    info.machine = utsField("machine");
    info.nodename = utsField("nodename");

    auto cpus = perCpu();
    if (!cpus) return tl::unexpected(cpus.error());
    info.cpus = static_cast<unsigned>((*cpus)->cpus().size());
    auto taskList = tasks();
    if (!taskList) return tl::unexpected(taskList.error());
    info.warnings = warnings();
    info.warnings.insert(info.warnings.end(), (*taskList)->warnings.begin(),
                         (*taskList)->warnings.end());
    auto kernelLog = log();
    if (!kernelLog) info.warnings.push_back("kernel log: " + kernelLog.error().message);
    const auto facts = kernel::readCrashFacts(*view_, **taskList, kernelLog ? *kernelLog : nullptr);
    info.panicMessage = facts.panicMessage;
    info.panicCpu = facts.panicCpu;
    info.uptimeSeconds = facts.uptimeSeconds;
    if (facts.crashingTask) {
        info.crashingTask = taskAt(**taskList, *facts.crashingTask);
        if (!info.crashingTask)
            info.warnings.push_back("the crashing task " + hex(*facts.crashingTask) +
                                    " is not in the task list");
    }
    return info;
}

Result<SymbolInfo> Session::lookupSymbol(const std::string& query) const {
    SymbolInfo out;
    out.query = query;
    const uint64_t slide = kaslr_.offset;
    const symbols::Symbol* sym = vmlinux_->symbols().byName(query);
    if (sym) {
        out.address = sym->address + slide;
    } else if (auto address = parseHex(query)) {
        out.address = *address;
        sym = vmlinux_->symbols().containing(*address - slide);
        if (!sym) return fail(Errc::NoSymbol, "no symbol contains address " + hex(*address));
    } else {
        return fail(Errc::NoSymbol, "no symbol named '" + query + "' (nor is it a hex address)");
    }
    out.name = sym->name;
    out.symbolAddress = sym->address + slide;
    out.offset = out.address - out.symbolAddress;
    out.size = sym->size;
    out.isFunction = sym->isFunction;
    if (auto loc = vmlinux_->sourceLocation(out.address - slide)) {
        out.file = loc->file;
        out.line = loc->line;
    }
    return out;
}

} // namespace panicscope::model
