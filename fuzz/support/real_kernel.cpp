#include "real_kernel.h"

#include "kernel/kaslr.h"

#include "dump_manifest.h"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

namespace panicscope::fuzz {

namespace {

[[noreturn]] void cannotOpen(const std::string& what) {
    std::fprintf(stderr, "fuzz: cannot open the real dump the target damages: %s\n", what.c_str());
    std::exit(1);
}

std::pair<std::string, std::string> dumpAndVmlinux() {
    const char* dump = std::getenv("PANICSCOPE_FUZZ_DUMP");
    const char* vmlinux = std::getenv("PANICSCOPE_FUZZ_VMLINUX");
    if (dump && vmlinux) return {dump, vmlinux};
    try {
        const auto& row = testing::manifestRow("process", "kdump", "kdump-zlib");
        return {row.dump, row.vmlinux};
    } catch (const std::exception& e) {
        cannotOpen(std::string(e.what()) +
                   " (or set PANICSCOPE_FUZZ_DUMP and PANICSCOPE_FUZZ_VMLINUX)");
    }
}

RealKernel open() {
    const auto [dumpPath, vmlinuxPath] = dumpAndVmlinux();
    RealKernel k;
    auto dump = dump::DumpFile::open({dumpPath});
    if (!dump) cannotOpen(dump.error().message);
    k.dump = std::move(*dump);
    auto vmlinux = symbols::Vmlinux::open(vmlinuxPath);
    if (!vmlinux) cannotOpen(vmlinux.error().message);
    k.vmlinux = std::move(*vmlinux);
    auto kaslr = kernel::findKaslrOffset(k.dump->vmcoreinfo(), k.vmlinux->symbols());
    if (!kaslr) cannotOpen(kaslr.error().message);
    k.kaslrOffset = kaslr->offset;
    k.tables = unwind::UnwindTables::load(*k.vmlinux);
    return k;
}

} // namespace

const RealKernel& realKernel() {
    static const RealKernel kernel = open();
    return kernel;
}

} // namespace panicscope::fuzz
