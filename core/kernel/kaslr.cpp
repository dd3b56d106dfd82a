#include "kernel/kaslr.h"

namespace panicscope::kernel {

namespace {
// Symbols VMCOREINFO carries that live in the kernel image (not in the direct map), most stable
// first.
constexpr const char* kImageSymbols[] = {"init_uts_ns",  "_stext", "swapper_pg_dir",
                                         "init_top_pgt", "prb",    "node_data"};
} // namespace

Result<KaslrOffset> findKaslrOffset(const dump::Vmcoreinfo& vmcoreinfo,
                                    const symbols::SymbolTable& symbols) {
    if (auto off = vmcoreinfo.kernelOffset()) return KaslrOffset{*off, "VMCOREINFO KERNELOFFSET"};
    for (const char* name : kImageSymbols) {
        auto runtime = vmcoreinfo.symbol(name);
        const symbols::Symbol* link = symbols.byName(name);
        if (runtime && link && *runtime >= link->address)
            return KaslrOffset{*runtime - link->address,
                               std::string("VMCOREINFO SYMBOL(") + name + ")"};
    }
    if (vmcoreinfo.empty())
        return fail(Errc::Unsupported,
                    "the dump has no VMCOREINFO, so the KASLR offset is unknown (QEMU dumps need "
                    "'-device vmcoreinfo' and the guest's qemu_fw_cfg module)");
    return fail(Errc::Corrupt, "VMCOREINFO has neither KERNELOFFSET nor a kernel symbol address");
}

} // namespace panicscope::kernel
