// A real dump opened below the Session, for tests of the kernel model's parts (per-CPU data,
// stacks) against what the kernel itself points at.
#pragma once

#include "dump/dump_file.h"
#include "kernel/kaslr.h"
#include "kernel/kernel_view.h"
#include "kernel/per_cpu.h"
#include "symbols/vmlinux.h"

#include <memory>
#include <stdexcept>
#include <string>

namespace panicscope::testing {

struct OpenedKernel {
    std::unique_ptr<dump::DumpFile> dump;
    std::unique_ptr<symbols::Vmlinux> vmlinux;
    std::unique_ptr<kernel::KernelView> view;
    std::optional<kernel::PerCpu> perCpu;

    // Throws std::runtime_error with the reason when the pair does not open.
    OpenedKernel(const std::string& dumpPath, const std::string& vmlinuxPath) {
        auto d = dump::DumpFile::open({dumpPath});
        if (!d) throw std::runtime_error(d.error().message);
        dump = std::move(*d);
        auto v = symbols::Vmlinux::open(vmlinuxPath);
        if (!v) throw std::runtime_error(v.error().message);
        vmlinux = std::move(*v);
        auto kaslr = kernel::findKaslrOffset(dump->vmcoreinfo(), vmlinux->symbols());
        if (!kaslr) throw std::runtime_error(kaslr.error().message);
        view = std::make_unique<kernel::KernelView>(*dump, vmlinux->symbols(), vmlinux->layouts(),
                                                    kaslr->offset);
        auto p = kernel::PerCpu::read(*view);
        if (!p) throw std::runtime_error(p.error().message);
        perCpu = std::move(*p);
    }
};

} // namespace panicscope::testing
