// One x86-64 instruction as the entry-code decoder sees it (private to unwind/): what it does to
// the stack pointer and the general registers, reduced from Capstone's detail so the decoder
// needs no Capstone types.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

namespace panicscope::unwind::entry {

// General registers by their encoding number: rax rcx rdx rbx rsp rbp rsi rdi r8 ... r15.
constexpr int kRsp = 4, kRbp = 5, kRax = 0, kRdi = 7, kGprCount = 16;

struct Operand {
    enum class Type : uint8_t { None, Reg, Imm, Mem };
    Type type = Type::None;
    uint8_t size = 0; // bytes
    // Reg: the general register (-1 for any other register); full: its 64-bit form.
    int reg = -1;
    bool full = false;
    int64_t imm = 0;
    // Mem: base + disp; no index, no RIP base, no segment but %gs is all the decoder tracks.
    int base = -1;
    bool simple = false; // only a general base register (or none) and a displacement
    bool gs = false;     // %gs: per-CPU memory
    int64_t disp = 0;
};

enum class Op : uint8_t {
    Other, // anything else: its general-register writes are in gprWrites
    Push,
    Pushf,
    Pop,
    Popf,
    Mov,
    Lea,
    Add,
    Sub,
    Leave,
    Call,
    Jmp, // hasTarget false: indirect
    Jcc,
    Ret,
    Stop, // iret, sysret, ud2, int3, hlt: the path ends here
};

struct Insn {
    uint64_t address = 0;
    uint8_t size = 0;
    Op op = Op::Other;
    uint8_t opCount = 0;
    std::array<Operand, 2> ops{}; // in Intel order: destination first
    uint32_t gprWrites = 0;       // bit n: general register n written (implicit writes included)
    bool hasTarget = false;       // a direct call or jump
    uint64_t target = 0;
    bool isNop = false;
};

class Disassembler {
  public:
    Disassembler();
    ~Disassembler();
    Disassembler(const Disassembler&) = delete;
    Disassembler& operator=(const Disassembler&) = delete;

    // The instruction at the start of `bytes`, located at `address`; nullopt if none decodes.
    std::optional<Insn> decode(std::string_view bytes, uint64_t address);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace panicscope::unwind::entry
