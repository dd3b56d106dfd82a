#include "unwind/entry_insn.h"

#include "disasm/capstone_handle.h"

#include <algorithm>
#include <span>

namespace panicscope::unwind::entry {

namespace {

struct GprName {
    int index;
    bool full;
};

// Capstone's register -> general register number, and whether it is the 64-bit register.
GprName gpr(unsigned reg) {
    switch (reg) {
#define PS_GPR(n, r64, r32, r16, r8)                                                               \
    case X86_REG_##r64:                                                                            \
        return {n, true};                                                                          \
    case X86_REG_##r32:                                                                            \
    case X86_REG_##r16:                                                                            \
    case X86_REG_##r8:                                                                             \
        return {n, false};
        PS_GPR(0, RAX, EAX, AX, AL)
        PS_GPR(1, RCX, ECX, CX, CL)
        PS_GPR(2, RDX, EDX, DX, DL)
        PS_GPR(3, RBX, EBX, BX, BL)
        PS_GPR(4, RSP, ESP, SP, SPL)
        PS_GPR(5, RBP, EBP, BP, BPL)
        PS_GPR(6, RSI, ESI, SI, SIL)
        PS_GPR(7, RDI, EDI, DI, DIL)
        PS_GPR(8, R8, R8D, R8W, R8B)
        PS_GPR(9, R9, R9D, R9W, R9B)
        PS_GPR(10, R10, R10D, R10W, R10B)
        PS_GPR(11, R11, R11D, R11W, R11B)
        PS_GPR(12, R12, R12D, R12W, R12B)
        PS_GPR(13, R13, R13D, R13W, R13B)
        PS_GPR(14, R14, R14D, R14W, R14B)
        PS_GPR(15, R15, R15D, R15W, R15B)
#undef PS_GPR
    case X86_REG_AH:
        return {0, false};
    case X86_REG_CH:
        return {1, false};
    case X86_REG_DH:
        return {2, false};
    case X86_REG_BH:
        return {3, false};
    default:
        return {-1, false};
    }
}

Op opOf(const cs_insn& insn) {
    switch (insn.id) {
    case X86_INS_PUSH:
        return Op::Push;
    case X86_INS_PUSHF:
    case X86_INS_PUSHFQ:
        return Op::Pushf;
    case X86_INS_POP:
        return Op::Pop;
    case X86_INS_POPF:
    case X86_INS_POPFQ:
        return Op::Popf;
    case X86_INS_MOV:
    case X86_INS_MOVABS:
        return Op::Mov;
    case X86_INS_LEA:
        return Op::Lea;
    case X86_INS_ADD:
        return Op::Add;
    case X86_INS_SUB:
        return Op::Sub;
    case X86_INS_LEAVE:
        return Op::Leave;
    case X86_INS_CALL:
        return Op::Call;
    case X86_INS_JMP:
        return Op::Jmp;
    case X86_INS_RET:
        return Op::Ret;
    case X86_INS_IRET:
    case X86_INS_IRETD:
    case X86_INS_IRETQ:
    case X86_INS_SYSRET:
    case X86_INS_SYSEXIT:
    case X86_INS_UD2:
    case X86_INS_UD2B:
    case X86_INS_INT3:
    case X86_INS_HLT:
    case X86_INS_RETF:
    case X86_INS_RETFQ:
    case X86_INS_LJMP:
        return Op::Stop;
    default:
        break;
    }
    for (uint8_t i = 0; i < insn.detail->groups_count; ++i)
        if (insn.detail->groups[i] == CS_GRP_JUMP) return Op::Jcc;
    return Op::Other;
}

Operand operandOf(const cs_x86_op& op) {
    Operand o;
    o.size = op.size;
    switch (op.type) {
    case X86_OP_REG: {
        o.type = Operand::Type::Reg;
        const GprName g = gpr(op.reg);
        o.reg = g.index;
        o.full = g.full;
        break;
    }
    case X86_OP_IMM:
        o.type = Operand::Type::Imm;
        o.imm = op.imm;
        break;
    case X86_OP_MEM: {
        o.type = Operand::Type::Mem;
        o.gs = op.mem.segment == X86_REG_GS;
        o.disp = op.mem.disp;
        const GprName base = gpr(op.mem.base);
        o.base = base.full ? base.index : -1;
        o.simple = op.mem.index == X86_REG_INVALID &&
                   (op.mem.base == X86_REG_INVALID || base.full) &&
                   (op.mem.segment == X86_REG_INVALID || o.gs);
        break;
    }
    default:
        break;
    }
    return o;
}

} // namespace

struct Disassembler::Impl {
    // Intel syntax: the reduction below reads detail operands destination first.
    disasm::CapstoneHandle capstone{disasm::Syntax::Intel};
};

Disassembler::Disassembler() : impl_(std::make_unique<Impl>()) {}

Disassembler::~Disassembler() = default;

std::optional<Insn> Disassembler::decode(std::string_view bytes, uint64_t address) {
    const auto* code = reinterpret_cast<const uint8_t*>(bytes.data());
    const cs_insn* decoded = impl_->capstone.decodeOne({code, bytes.size()}, address);
    if (!decoded) return std::nullopt;
    const cs_insn& ci = *decoded;
    const cs_x86& x86 = ci.detail->x86;

    Insn insn;
    insn.address = address;
    insn.size = static_cast<uint8_t>(ci.size);
    insn.op = opOf(ci);
    insn.isNop = ci.id == X86_INS_NOP;
    insn.opCount = static_cast<uint8_t>(std::min<unsigned>(x86.op_count, 2));
    for (uint8_t i = 0; i < insn.opCount; ++i)
        insn.ops[i] = operandOf(x86.operands[i]);
    if ((insn.op == Op::Call || insn.op == Op::Jmp || insn.op == Op::Jcc) && x86.op_count == 1 &&
        x86.operands[0].type == X86_OP_IMM) {
        insn.hasTarget = true;
        insn.target = static_cast<uint64_t>(x86.operands[0].imm);
    }
    cs_regs read, written;
    uint8_t readCount = 0, writtenCount = 0;
    const csh handle = impl_->capstone.get();
    if (cs_regs_access(handle, &ci, read, &readCount, written, &writtenCount) == CS_ERR_OK) {
        for (uint8_t i = 0; i < writtenCount; ++i)
            if (const GprName g = gpr(written[i]); g.index >= 0) insn.gprWrites |= 1u << g.index;
    } else {
        insn.gprWrites = ~0u; // unknown: assume everything changed
    }
    return insn;
}

} // namespace panicscope::unwind::entry
