#include "unwind/frame_setup.h"

#include "unwind/entry_insn.h"
#include "unwind/stack_depth.h"
#include "util/hex.h"

#include <algorithm>
#include <vector>

namespace panicscope::unwind {

namespace {

using entry::Insn;
using entry::Op;

constexpr uint32_t kStackRegisters = 1u << entry::kRsp | 1u << entry::kRbp;

bool isFullReg(const entry::Operand& o, int reg) {
    return o.type == entry::Operand::Type::Reg && o.reg == reg && o.full;
}
bool isPushRbp(const Insn& i) {
    return i.op == Op::Push && isFullReg(i.ops[0], entry::kRbp);
}
bool isMovRspToRbp(const Insn& i) {
    return i.op == Op::Mov && isFullReg(i.ops[0], entry::kRbp) && isFullReg(i.ops[1], entry::kRsp);
}
bool isPopRbp(const Insn& i) {
    return i.op == Op::Pop && isFullReg(i.ops[0], entry::kRbp);
}

// Changes rsp or rbp for good: a call and a return balance the stack for the code after them.
bool touchesStack(const Insn& i) {
    return (i.gprWrites & kStackRegisters) && i.op != Op::Call && i.op != Op::Ret;
}

FrameSetup returnAt(uint64_t offset, bool bpAtSp = false) {
    return {FrameSetup::Kind::ReturnAddress, offset, bpAtSp, {}};
}
FrameSetup unknown(std::string why) {
    return {FrameSetup::Kind::Unknown, 0, false, std::move(why)};
}

} // namespace

FrameSetup frameSetupAt(std::string_view code, uint64_t start, uint64_t pc) {
    if (pc == start) return returnAt(0); // nothing has run: the call's return address is on top
    if (pc < start || pc >= start + code.size()) return unknown("pc is outside the function");
    // Linear decoding of the whole function (kernel code has no data between instructions).
    entry::Disassembler decoder;
    std::vector<Insn> insns;
    size_t atPc = SIZE_MAX;
    for (uint64_t offset = 0; offset < code.size();) {
        auto insn = decoder.decode(code.substr(offset), start + offset);
        if (!insn) return unknown("no instruction decodes at " + hex(start + offset));
        if (insn->address == pc) atPc = insns.size();
        insns.push_back(*insn);
        offset += insn->size;
    }
    if (atPc == SIZE_MAX) return unknown(hex(pc) + " is not on an instruction boundary");
    if (insns[atPc].op == Op::Ret) return returnAt(0);
    size_t first = 0; // the first instruction that changes rsp or rbp
    while (first < insns.size() && !touchesStack(insns[first]))
        ++first;
    if (first == insns.size()) {
        // A call into the function itself (a retpoline thunk's) pushes a return address that
        // its target overwrites and returns through: follow the paths for how deep pc is.
        const uint64_t end = start + code.size();
        const bool callsItself = std::any_of(insns.begin(), insns.end(), [&](const Insn& i) {
            return i.op == Op::Call && i.hasTarget && i.target > start && i.target < end &&
                   i.target != i.address + i.size;
        });
        if (!callsItself) return returnAt(0); // a leaf that never touches the stack
        const StackDepth depth = stackDepthAt(code, start, pc);
        if (!depth.known) return unknown(depth.why);
        return returnAt(depth.returnOffset);
    }
    const bool prologue =
        isPushRbp(insns[first]) && first + 1 < insns.size() && isMovRspToRbp(insns[first + 1]);
    if (!prologue) return unknown("it changes the stack pointer without a frame record");
    if (atPc <= first) return returnAt(0);
    if (atPc == first + 1) return returnAt(8, true);
    // Right after the epilogue (leave, or pop %rbp), before a return or a tail call.
    const Insn& previous = insns[atPc - 1];
    if (previous.op == Op::Leave || isPopRbp(previous)) return returnAt(0);
    return {FrameSetup::Kind::Built, 0, false, {}};
}

} // namespace panicscope::unwind
