// How deep a function's own stack is at an address, found by following its code from its entry
// the way objtool does when it writes ORC: every path, tracking what each instruction does to
// the stack pointer. For code objtool skipped and so left without ORC (STACK_FRAME_NON_STANDARD:
// kdump's __crash_kexec, where crash_setup_regs() saved the panic CPU's registers) when there is
// no DWARF CFI to ask (the dump alone, a stripped vmlinux). The answer is given only where every
// path to the address agrees and every change of the stack pointer was followed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace panicscope::unwind {

struct StackDepth {
    bool known = false;
    // The return address of the function's caller lies at sp + returnOffset (the CFA, the stack
    // pointer before the call, is 8 above it).
    uint64_t returnOffset = 0;
    // Where the caller's rbp is, relative to the CFA, when the function pushed it and has
    // changed rbp since; nullopt when rbp still holds the caller's value.
    std::optional<int64_t> callerBpAtCfa;
    std::string why; // !known: what in the code this cannot follow
};

// `code` holds the whole function, which starts at runtime address `start`; `pc` is an address
// inside it: an interrupted ip, or a return address (the state after the call).
StackDepth stackDepthAt(std::string_view code, uint64_t start, uint64_t pc);

} // namespace panicscope::unwind
