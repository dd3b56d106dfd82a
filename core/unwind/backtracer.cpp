#include "unwind/backtracer.h"

#include "kernel/modules.h"
#include "unwind/stack_walker.h"

#include "unwind/stacks.h"
#include <mutex>
#include <unordered_map>

namespace panicscope::unwind {

struct Backtracer::ModuleFiles {
    std::vector<std::string> dirs;
    std::mutex mutex; // guards everything below
    // Canonical module name -> .ko path, from one search of `dirs` on first use.
    std::optional<std::unordered_map<std::string, std::string>> paths;
    // Loaded module name -> its .ko, null when there is none or it is another build.
    std::unordered_map<std::string, std::unique_ptr<symbols::ModuleDebugInfo>> opened;
    std::vector<std::string> warnings;
};

Backtracer::Backtracer(const kernel::KernelView& view, const symbols::Vmlinux& vmlinux,
                       const dump::DumpFile& dump, const kernel::PerCpu& perCpu,
                       std::vector<std::string> moduleDirs)
    : view_(&view), vmlinux_(&vmlinux), dump_(&dump), perCpu_(&perCpu),
      moduleFiles_(std::make_unique<ModuleFiles>()) {
    moduleFiles_->dirs = std::move(moduleDirs);
}

Backtracer::~Backtracer() = default;
Backtracer::Backtracer(Backtracer&&) noexcept = default;
Backtracer& Backtracer::operator=(Backtracer&&) noexcept = default;

Result<Backtracer> Backtracer::create(const kernel::KernelView& view,
                                      const symbols::Vmlinux& vmlinux, const dump::DumpFile& dump,
                                      const kernel::PerCpu& perCpu,
                                      std::vector<std::string> moduleDirs,
                                      std::optional<UnwindTables> tables) {
    Backtracer b(view, vmlinux, dump, perCpu, std::move(moduleDirs));
    // A kernel without ORC data is a frame-pointer kernel: the walker follows its bp chain.
    if (!tables) tables = UnwindTables::load(vmlinux);
    b.orc_ = std::move(tables->orc);
    b.entryCalls_ = std::move(tables->entryCalls);
    b.warnings_ = std::move(tables->warnings);
    auto size = threadSize(view);
    if (!size) return tl::unexpected(size.error());
    b.threadSize_ = *size;
    auto frameSize = view.layouts().sizeOf("inactive_task_frame");
    auto bp = view.member("inactive_task_frame", "bp");
    auto ret = view.member("inactive_task_frame", "ret_addr");
    if (!frameSize) return tl::unexpected(frameSize.error());
    if (!bp) return tl::unexpected(bp.error());
    if (!ret) return tl::unexpected(ret.error());
    b.frameSize_ = *frameSize;
    b.frameBp_ = bp->offset;
    b.frameRet_ = ret->offset;
    if (auto fork = view.address("ret_from_fork")) b.retFromFork_ = *fork;
    b.loadModules();
    return b;
}

void Backtracer::loadModules() {
    auto list = kernel::readModules(*view_);
    if (!list) {
        warnings_.push_back("modules: " + list.error().message);
        return;
    }
    warnings_.insert(warnings_.end(), list->warnings.begin(), list->warnings.end());
    auto format = orcFormatForRelease(vmlinux_->release());
    for (auto& m : list->modules) {
        ModuleCode code{m.name,     m.textBase,           m.textSize, m.initBase,
                        m.initSize, std::move(m.symbols), {}};
        if (format && !m.orcAddresses.empty()) {
            std::vector<OrcEntry> entries;
            for (size_t i = 0; i < m.orcAddresses.size(); ++i)
                entries.push_back(decodeOrcEntry(
                    std::span<const uint8_t, 6>(m.orcEntries.data() + 6 * i, 6), *format));
            code.orc = OrcTable::fromRows(std::move(m.orcAddresses), std::move(entries));
        }
        modules_.push_back(std::move(code));
    }
}

std::vector<std::string> Backtracer::warnings() const {
    std::vector<std::string> all = warnings_;
    if (moduleFiles_) {
        std::lock_guard lock(moduleFiles_->mutex);
        all.insert(all.end(), moduleFiles_->warnings.begin(), moduleFiles_->warnings.end());
    }
    return all;
}

const symbols::ModuleDebugInfo* Backtracer::moduleDebugInfo(const std::string& module) const {
    ModuleFiles& files = *moduleFiles_;
    if (files.dirs.empty()) return nullptr;
    std::lock_guard lock(files.mutex);
    if (auto it = files.opened.find(module); it != files.opened.end()) return it->second.get();
    auto& slot = files.opened[module]; // null until a matching .ko is found: asked once
    if (!files.paths) files.paths = symbols::findModuleFiles(files.dirs, files.warnings);
    const auto path = files.paths->find(symbols::canonicalModuleName(module));
    const std::string noLines = ": no file:line for its frames";
    if (path == files.paths->end()) {
        files.warnings.push_back("no " + module + ".ko in the module directories" + noLines);
        return nullptr;
    }
    auto file = symbols::ModuleDebugInfo::open(path->second);
    if (!file) {
        files.warnings.push_back(file.error().message + ": module " + module + noLines);
        return nullptr;
    }
    const ModuleCode* loaded = nullptr;
    for (const auto& m : modules_)
        if (m.name == module) loaded = &m;
    // Where struct module keeps its name, for a .ko without .modinfo's name= (before 5.3).
    auto nameMember = view_->member("module", "name");
    const uint64_t nameOffset = nameMember ? nameMember->offset : ~uint64_t(0);
    if (auto mismatch =
            symbols::moduleBuildMismatch(**file, module, nameOffset, vmlinux_->release(),
                                         loaded ? loaded->symbols : symbols::SymbolTable())) {
        files.warnings.push_back(path->second + " does not match the loaded module " + module +
                                 " (" + *mismatch + ")" + noLines);
        return nullptr;
    }
    slot = std::move(*file);
    return slot.get();
}

StackTrace Backtracer::backtrace(const kernel::Task& task, bool withLines) const {
    WalkStart start;
    const auto& cpus = dump_->cpus();
    if (task.onCpu && task.cpu < cpus.size()) {
        // Where the CPU was when the dump was taken (kdump: the crash-time registers).
        start.regs = cpus[task.cpu].regs;
        start.fullRegs = true;
        start.interrupted = true;
    } else {
        // A switched-out task: __switch_to_asm pushed an inactive_task_frame at thread.sp.
        const auto& mem = view_->memory();
        auto bp = mem.readU64(task.threadSp + frameBp_);
        auto ret = mem.readU64(task.threadSp + frameRet_);
        if (!bp || !ret) {
            StackTrace t;
            t.status = WalkStatus::Truncated;
            t.reason = "cannot read the switched-out frame: " +
                       (!bp ? bp.error().message : ret.error().message);
            return t;
        }
        start.regs.sp = task.threadSp + frameSize_;
        start.regs.bp = *bp;
        start.regs.ip = *ret;
        start.fullRegs = false;
        // A new task that never ran starts at ret_from_fork: not a return address.
        start.interrupted = *ret == retFromFork_;
    }
    const auto stacks = taskStacks(*view_, *perCpu_, task, threadSize_);
    WalkerContext context{view_->memory(),
                          vmlinux_->symbols(),
                          view_->kaslrOffset(),
                          orc_.get(),
                          entryCalls_.get(),
                          [this](uint64_t address) { return vmlinux_->callFrameRow(address); },
                          modules_};
    StackTrace trace = walkStack(context, start, stacks);
    for (auto& frame : trace.frames)
        symbolize(frame, withLines);
    if (withLines) expandInlines(trace.frames);
    return trace;
}

void Backtracer::expandInlines(std::vector<Frame>& frames) const {
    std::vector<Frame> out;
    out.reserve(frames.size());
    for (auto& frame : frames) {
        // A return address belongs to the call before it: look up pc - 1.
        const uint64_t at = frame.interrupted ? frame.pc : frame.pc - 1;
        std::vector<symbols::InlinedCall> chain;
        if (!frame.userMode && frame.function && !frame.module) {
            chain = vmlinux_->inlineChain(at - view_->kaslrOffset());
        } else if (!frame.userMode && frame.function) {
            // A module's .ko is looked up by function: the offset from its runtime start.
            const uint64_t start = frame.pc - frame.offset;
            if (const auto* debug = moduleDebugInfo(*frame.module); debug && at >= start)
                chain = debug->inlineChain(*frame.function, at - start);
        }
        // Innermost first: the line table's location belongs to the innermost inlined function,
        // and each function further out is at the call site of the one inside it.
        std::optional<std::string> file = frame.file;
        std::optional<int> line = frame.line;
        for (size_t i = 0; i < chain.size(); ++i) {
            Frame inlined = frame;
            inlined.function = chain[i].function;
            inlined.inlined = true;
            inlined.file = file;
            inlined.line = line;
            if (i > 0) inlined.boundary.reset();
            out.push_back(std::move(inlined));
            file = chain[i].callSite ? std::optional(chain[i].callSite->file) : std::nullopt;
            line = chain[i].callSite ? std::optional(chain[i].callSite->line) : std::nullopt;
        }
        if (!chain.empty()) {
            frame.file = file;
            frame.line = line;
            frame.boundary.reset(); // it is on the innermost frame
        }
        out.push_back(std::move(frame));
    }
    frames = std::move(out);
}

void Backtracer::symbolize(Frame& frame, bool withLines) const {
    if (frame.userMode) return;
    // A return address belongs to the call before it: look up pc - 1, print the offset of pc.
    const uint64_t at = frame.interrupted ? frame.pc : frame.pc - 1;
    for (const auto& m : modules_)
        if (m.contains(at)) {
            frame.module = m.name;
            if (const symbols::Symbol* s = m.symbols.containing(at)) {
                frame.function = s->name;
                frame.offset = frame.pc - s->address;
                frame.functionSize = m.symbols.kallsymsSize(*s);
                if (withLines)
                    if (const auto* debug = moduleDebugInfo(m.name))
                        if (auto loc = debug->sourceLocation(s->name, at - s->address)) {
                            frame.file = loc->file;
                            frame.line = loc->line;
                        }
            }
            return;
        }
    const uint64_t lookup = at - view_->kaslrOffset();
    const symbols::Symbol* s = vmlinux_->symbols().containing(lookup);
    if (!s) return;
    frame.function = s->name;
    frame.offset = frame.pc - view_->kaslrOffset() - s->address;
    frame.functionSize = vmlinux_->symbols().kallsymsSize(*s);
    if (withLines)
        if (auto loc = vmlinux_->sourceLocation(lookup)) {
            frame.file = loc->file;
            frame.line = loc->line;
        }
}

} // namespace panicscope::unwind
