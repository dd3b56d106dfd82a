// One decoded x86-64 instruction as front ends show it: a plain value, no Capstone types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace panicscope::disasm {

// The text is Capstone's AT&T syntax verbatim (objdump's syntax, which kernel engineers read),
// not a re-creation of objdump's exact output. Capstone 4 differs from binutils in small ways we
// keep rather than patch over with rules that would be wrong for some instruction:
//   - mnemonics carry size suffixes: "callq", "retq", "pushq", "movq" (objdump: call, mov);
//   - operands are separated by ", ", also inside memory operands: "%rsp, %rbp",
//     "(%rax, %rax)" (objdump: "%rsp,%rbp", "(%rax,%rax,1)");
//   - small immediates and displacements print in decimal: "$8, %rsp", "8(%rsp)", "$-1".
// Direct targets print as absolute addresses: "callq 0xffffffff81000000". Indirect ones start
// with '*': "callq *%rax", "jmpq *0x10(%rip)". Tests pin the exact strings, so a Capstone upgrade
// that prints differently shows up there.
struct Instruction {
    uint64_t address = 0;
    std::vector<uint8_t> bytes;
    std::string mnemonic;           // "callq", "movq", "ud2"
    std::string operands;           // "%rsp, %rbp"; empty when there are none
    std::optional<uint64_t> target; // a direct call's or jump's destination
    bool isCall = false;            // call, lcall (direct or indirect)
    bool isJump = false;            // jmp, jcc, jrcxz, loop (direct or indirect); not call or ret
    bool isReturn = false; // ret, lret; iret and sysret are neither (they leave the kernel)
};

} // namespace panicscope::disasm
