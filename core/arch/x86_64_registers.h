// x86-64 general registers in struct pt_regs order, plus the segment bases NT_PRSTATUS carries.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace panicscope::arch {

struct X86Registers {
    uint64_t r15 = 0, r14 = 0, r13 = 0, r12 = 0, bp = 0, bx = 0, r11 = 0, r10 = 0, r9 = 0, r8 = 0,
             ax = 0, cx = 0, dx = 0, si = 0, di = 0, orig_ax = 0, ip = 0, cs = 0, flags = 0, sp = 0,
             ss = 0;
    uint64_t fs_base = 0, gs_base = 0;
};

// The 21 pt_regs names in memory order, as the kernel's show_regs() and JSON output name them.
inline constexpr std::array<std::string_view, 21> kPtRegsNames = {
    "r15", "r14", "r13", "r12", "bp",      "bx", "r11", "r10",   "r9", "r8", "ax",
    "cx",  "dx",  "si",  "di",  "orig_ax", "ip", "cs",  "flags", "sp", "ss"};

} // namespace panicscope::arch
