// The one generic unwind loop: from a starting register set, step frame by frame with ORC,
// crossing pt_regs boundaries and stack switches, until the bottom of the stack or a reason to
// stop. Never loops, never reads outside the known stacks.
#pragma once

#include "arch/x86_64_registers.h"
#include "dump/memory.h"
#include "symbols/call_frame_info.h"
#include "symbols/symbol_table.h"
#include "unwind/entry_call_table.h"
#include "unwind/frame.h"
#include "unwind/module_code.h"
#include "unwind/orc_table.h"
#include "unwind/stacks.h"

#include <functional>
#include <span>

namespace panicscope::unwind {

struct WalkStart {
    arch::X86Registers regs;
    bool fullRegs = true;    // all of regs are known (NT_PRSTATUS); else only ip, sp, bp
    bool interrupted = true; // regs.ip was interrupted (look it up as is, not as ip - 1)
};

struct WalkerContext {
    const dump::Memory& memory;
    const symbols::SymbolTable& symbols; // link-time
    uint64_t kaslrOffset = 0;
    const OrcTable* orc = nullptr; // null on a kernel without ORC
    const EntryCallTable* entryCalls = nullptr;
    // DWARF CFI rows by link-time address, for where ORC has no rule; may be empty.
    std::function<std::optional<symbols::CfiRow>(uint64_t)> cfi;
    // Loaded modules' code (runtime addresses).
    std::span<const ModuleCode> modules = {};
};

inline constexpr size_t kMaxFrames = 256;

StackTrace walkStack(const WalkerContext& context, const WalkStart& start,
                     std::span<const StackRange> stacks);

// The kind of boundary an entry symbol makes ("asm_common_interrupt" -> Interrupt, ...).
BoundaryKind boundaryKindOfEntry(std::string_view entrySymbol);

} // namespace panicscope::unwind
