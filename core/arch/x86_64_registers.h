// x86-64 general registers in struct pt_regs order, plus the segment bases NT_PRSTATUS carries:
// the one place that knows the pt_regs layout (the entry code's saved registers, NT_PRSTATUS's
// user_regs_struct, show_regs() and the JSON names all follow it).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace panicscope::arch {

struct X86Registers {
    uint64_t r15 = 0, r14 = 0, r13 = 0, r12 = 0, bp = 0, bx = 0, r11 = 0, r10 = 0, r9 = 0, r8 = 0,
             ax = 0, cx = 0, dx = 0, si = 0, di = 0, orig_ax = 0, ip = 0, cs = 0, flags = 0, sp = 0,
             ss = 0;
    uint64_t fs_base = 0, gs_base = 0;

    // Stopped in user mode: the code segment's privilege level is not 0.
    bool userMode() const { return (cs & 3) != 0; }
};

// struct pt_regs: 21 words, in this order.
inline constexpr size_t kPtRegsCount = 21;
inline constexpr uint64_t kPtRegsSize = kPtRegsCount * 8;
// offsetof(struct pt_regs, ip): where the hardware's iret frame (ip cs flags sp ss) starts.
inline constexpr uint64_t kIretFrameOffset = 16 * 8;

// The pt_regs words as members of X86Registers, in memory order.
inline constexpr std::array<uint64_t X86Registers::*, kPtRegsCount> kPtRegsFields = {
    &X86Registers::r15, &X86Registers::r14, &X86Registers::r13,   &X86Registers::r12,
    &X86Registers::bp,  &X86Registers::bx,  &X86Registers::r11,   &X86Registers::r10,
    &X86Registers::r9,  &X86Registers::r8,  &X86Registers::ax,    &X86Registers::cx,
    &X86Registers::dx,  &X86Registers::si,  &X86Registers::di,    &X86Registers::orig_ax,
    &X86Registers::ip,  &X86Registers::cs,  &X86Registers::flags, &X86Registers::sp,
    &X86Registers::ss};

// The 21 pt_regs names in memory order, as the kernel's show_regs() and JSON output name them.
inline constexpr std::array<std::string_view, kPtRegsCount> kPtRegsNames = {
    "r15", "r14", "r13", "r12", "bp",      "bx", "r11", "r10",   "r9", "r8", "ax",
    "cx",  "dx",  "si",  "di",  "orig_ax", "ip", "cs",  "flags", "sp", "ss"};

// Registers from pt_regs words in memory order (at most kPtRegsCount are used).
inline X86Registers registersFromPtRegs(std::span<const uint64_t> words) {
    X86Registers r;
    for (size_t i = 0; i < words.size() && i < kPtRegsCount; ++i)
        r.*kPtRegsFields[i] = words[i];
    return r;
}

// Which registers of a frame are known, by pt_regs index (bit i: kPtRegsFields[i]).
struct RegisterState {
    X86Registers values;
    uint32_t known = 0;

    static constexpr uint32_t kAll = (1u << kPtRegsCount) - 1;
    // The iret frame: ip cs flags sp ss (all the hardware saved, before the entry code's pushes).
    static constexpr uint32_t kIretFrame = 0x1fu << 16;
    static constexpr uint32_t bit(uint64_t X86Registers::*field) {
        for (size_t i = 0; i < kPtRegsCount; ++i)
            if (kPtRegsFields[i] == field) return 1u << i;
        return 0;
    }
    bool has(uint64_t X86Registers::*field) const { return (known & bit(field)) != 0; }
    bool hasAll() const { return (known & kAll) == kAll; }
    void set(uint64_t X86Registers::*field, uint64_t value) {
        values.*field = value;
        known |= bit(field);
    }
};

} // namespace panicscope::arch
