// Where KASLR put the kernel: the offset between the vmlinux's link addresses and the dump's.
#pragma once

#include "dump/vmcoreinfo.h"
#include "symbols/symbol_table.h"
#include "util/result.h"

#include <cstdint>
#include <string>

namespace panicscope::kernel {

struct KaslrOffset {
    uint64_t offset = 0;
    std::string source; // "VMCOREINFO KERNELOFFSET" or "VMCOREINFO SYMBOL(name)"
};

// From VMCOREINFO's KERNELOFFSET, else derived from any SYMBOL(name) line the vmlinux also has.
Result<KaslrOffset> findKaslrOffset(const dump::Vmcoreinfo& vmcoreinfo,
                                    const symbols::SymbolTable& symbols);

} // namespace panicscope::kernel
