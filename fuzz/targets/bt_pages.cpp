// The whole path of `bt --all` over a real dump with damaged pages: per-CPU data, the task list,
// the modules (their ORC tables and symbols read from the dump), the crash facts from the log's
// tail, every task's backtrace (ORC, entry-call table, pt_regs, stack switches), printed as text
// and JSON. The damage lands on the pages a clean run reads (fuzz/support/damaged_memory.h says
// how an input describes it); the dump and vmlinux are opened once (fuzz/support/real_kernel.h).
#include "kernel/crash_facts.h"
#include "kernel/per_cpu.h"
#include "kernel/printk_log.h"
#include "kernel/tasks.h"
#include "report/json_report.h"
#include "report/json_text.h"
#include "report/text_report.h"
#include "unwind/backtracer.h"
#include "unwind/module_code.h"
#include "unwind/orc_table.h"
#include "unwind/symbolizer.h"

#include "damaged_memory.h"
#include "real_kernel.h"

#include <cstdint>
#include <sstream>

using namespace panicscope;

namespace {

model::TaskRow rowOf(const kernel::Task& t) {
    model::TaskRow row;
    row.address = t.address, row.pid = t.pid, row.tgid = t.tgid, row.ppid = t.ppid;
    row.comm = t.comm, row.state = t.state, row.cpu = t.cpu, row.onCpu = t.onCpu;
    row.kernelThread = t.kernelThread;
    return row;
}

// What Session does for `bt --all` (model/session.cpp, makeUnwinding), over `memory`.
void backtraceAll(const fuzz::RealKernel& k, const dump::Memory& memory) {
    const kernel::KernelView view(memory, k.vmlinux->symbols(), k.vmlinux->layouts(),
                                  k.kaslrOffset);
    auto cpus = kernel::PerCpu::read(view);
    if (!cpus) return;
    auto tasks = kernel::readTasks(view, *cpus);
    if (!tasks) return;
    if (auto tail = kernel::readKernelLogTail(view, 512))
        (void)kernel::readCrashFacts(view, *tasks, &tail->log);
    const auto format = unwind::orcFormatOf(*k.vmlinux);
    const auto modules =
        unwind::loadModuleCode(view, format ? std::optional(*format) : std::nullopt);
    const unwind::CodeMap code(k.vmlinux->symbols(), k.kaslrOffset, k.tables.orc.get(),
                               modules.modules);
    const unwind::Symbolizer symbolizer(*k.vmlinux, code, nullptr);
    auto backtracer = unwind::Backtracer::create(view, *k.vmlinux, *k.dump, *cpus, code,
                                                 k.tables.entryCalls.get(), symbolizer);
    if (!backtracer) return;
    std::ostringstream out;
    for (const auto& task : tasks->tasks) {
        const auto trace = backtracer->backtrace(task, false);
        report::printBacktrace(out, rowOf(task), trace, false);
        out << report::jsonText(report::taskBacktraceJson(rowOf(task), trace));
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)fuzz::realKernel(); // opens the dump before the first input: not a slow unit
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto& k = fuzz::realKernel();
    // The pages an undamaged `bt --all` reads, from a clean run once.
    static const std::vector<fuzz::DamagedMemory::PageKey> hot = [&] {
        const fuzz::DamagedMemory recorder(*k.dump);
        backtraceAll(k, recorder);
        return recorder.hotPages();
    }();
    const fuzz::DamagedMemory damaged(*k.dump, hot, {reinterpret_cast<const char*>(data), size});
    backtraceAll(k, damaged);
    return 0;
}
