#include "disasm/disassembler.h"

#include "disasm/capstone_handle.h"

#include <string>

namespace panicscope::disasm {

namespace {

bool inGroup(const cs_insn& insn, uint8_t group) {
    for (uint8_t i = 0; i < insn.detail->groups_count; ++i)
        if (insn.detail->groups[i] == group) return true;
    return false;
}

Instruction instructionOf(const cs_insn& ci) {
    Instruction insn;
    insn.address = ci.address;
    insn.bytes.assign(ci.bytes, ci.bytes + ci.size);
    insn.mnemonic = ci.mnemonic;
    insn.operands = ci.op_str;
    insn.isCall = inGroup(ci, CS_GRP_CALL);
    // Capstone 4 leaves loop/loope/loopne out of the jump group; they are relative branches that
    // are not calls, so they count as the conditional jumps they are.
    insn.isJump = inGroup(ci, CS_GRP_JUMP) || (inGroup(ci, CS_GRP_BRANCH_RELATIVE) && !insn.isCall);
    insn.isReturn = inGroup(ci, CS_GRP_RET);
    // A direct branch has its destination as its only, immediate, operand (one operand, so the
    // AT&T reversal of operand order does not matter here).
    const cs_x86& x86 = ci.detail->x86;
    if ((insn.isCall || insn.isJump) && x86.op_count == 1 && x86.operands[0].type == X86_OP_IMM)
        insn.target = static_cast<uint64_t>(x86.operands[0].imm);
    return insn;
}

} // namespace

struct Disassembler::Impl {
    CapstoneHandle capstone{Syntax::Att};
};

Result<Disassembler> Disassembler::create() {
    auto impl = std::make_unique<Impl>();
    if (const cs_err status = impl->capstone.status(); status != CS_ERR_OK)
        return fail(Errc::Unsupported,
                    std::string("cannot open Capstone for x86-64: ") + cs_strerror(status));
    return Disassembler(std::move(impl));
}

Disassembler::Disassembler(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Disassembler::~Disassembler() = default;
Disassembler::Disassembler(Disassembler&&) noexcept = default;
Disassembler& Disassembler::operator=(Disassembler&&) noexcept = default;

std::optional<Instruction> Disassembler::decodeOne(std::span<const uint8_t> bytes,
                                                   uint64_t address) {
    const cs_insn* ci = impl_->capstone.decodeOne(bytes, address);
    if (!ci) return std::nullopt;
    return instructionOf(*ci);
}

std::vector<Instruction> Disassembler::decode(std::span<const uint8_t> bytes, uint64_t address,
                                              size_t maxCount) {
    std::vector<Instruction> out;
    size_t offset = 0;
    while (out.size() < maxCount && offset < bytes.size()) {
        const cs_insn* ci = impl_->capstone.decodeOne(bytes.subspan(offset), address + offset);
        if (!ci) break;
        offset += ci->size;
        out.push_back(instructionOf(*ci));
    }
    return out;
}

} // namespace panicscope::disasm
