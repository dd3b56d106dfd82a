// The one generic unwind loop: from a starting register set, step frame by frame until the
// bottom of the stack or a reason to stop, crossing pt_regs boundaries and stack switches. Each
// step is a cascade of strategies (entry-call table, ORC, DWARF CFI, frame pointers, and a
// bounded stack scan as the last resort) whose rules one executor applies. Never loops, never
// reads outside the known stacks.
#pragma once

#include "arch/x86_64_registers.h"
#include "dump/memory.h"
#include "symbols/cfi_row.h"
#include "unwind/code_map.h"
#include "unwind/entry_call_table.h"
#include "unwind/frame.h"

#include <functional>
#include <optional>
#include <span>

namespace panicscope::unwind {

struct WalkStart {
    arch::X86Registers regs;
    bool fullRegs = true;    // all of regs are known (NT_PRSTATUS); else only ip, sp, bp
    bool interrupted = true; // regs.ip was interrupted (look it up as is, not as ip - 1)
};

struct WalkerContext {
    const dump::Memory& memory;
    const CodeMap& code; // the vmlinux and the loaded modules
    const EntryCallTable* entryCalls = nullptr;
    // DWARF CFI rows by link-time address, for where ORC has no rule; may be empty.
    std::function<std::optional<symbols::CfiRow>(uint64_t)> cfi;
};

inline constexpr size_t kMaxFrames = 256;

StackTrace walkStack(const WalkerContext& context, const WalkStart& start,
                     std::span<const StackRange> stacks);

} // namespace panicscope::unwind
