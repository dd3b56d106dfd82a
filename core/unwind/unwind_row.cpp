#include "unwind/unwind_row.h"

namespace panicscope::unwind {

RowOrProblem rowFromOrc(const OrcEntry& entry) {
    UnwindRow row;
    row.source = FoundBy::Orc;
    row.cfaOffset = entry.spOffset;
    switch (entry.spReg) {
    case OrcReg::Sp:
        row.cfa = CfaRule::SpPlus;
        break;
    // Since 5.13, SP_INDIRECT is (%rsp) + offset (the IRQ-stack switch stores the old sp at the
    // new stack's top); BP_INDIRECT stays (%rbp + offset).
    case OrcReg::SpIndirect:
        row.cfa = CfaRule::AtSpPlus;
        break;
    case OrcReg::Bp:
        row.cfa = CfaRule::BpPlus;
        break;
    case OrcReg::BpIndirect:
        row.cfa = CfaRule::AtBpPlus;
        break;
    // The kernel's unwinder takes these registers' values as the sp itself (no offset).
    case OrcReg::R10:
        row.cfa = CfaRule::RegisterSet;
        row.cfaRegister = &arch::X86Registers::r10;
        break;
    case OrcReg::R13:
        row.cfa = CfaRule::RegisterSet;
        row.cfaRegister = &arch::X86Registers::r13;
        break;
    case OrcReg::Di:
        row.cfa = CfaRule::RegisterSet;
        row.cfaRegister = &arch::X86Registers::di;
        break;
    case OrcReg::Dx:
        row.cfa = CfaRule::RegisterSet;
        row.cfaRegister = &arch::X86Registers::dx;
        break;
    default:
        return {std::nullopt, "ORC uses an unknown base register"};
    }
    switch (entry.type) {
    case OrcType::Call:
        row.kind = UnwindRow::Kind::Call;
        break;
    case OrcType::Regs:
        row.kind = UnwindRow::Kind::PtRegs;
        break;
    case OrcType::RegsPartial: // the sp points at the iret frame inside the pt_regs
        row.kind = UnwindRow::Kind::IretFrame;
        row.regsOffset = -static_cast<int64_t>(arch::kIretFrameOffset);
        break;
    default:
        return {std::nullopt, "ORC has no unwind rule"};
    }
    switch (entry.bpReg) {
    case OrcReg::Undefined:
        break;
    case OrcReg::PrevSp:
        row.bp = {SavedRule::Kind::AtCfa, entry.bpOffset};
        break;
    case OrcReg::Bp:
        row.bp = {SavedRule::Kind::AtBp, entry.bpOffset};
        break;
    default:
        return {std::nullopt, "ORC uses an unknown frame-pointer rule"};
    }
    return {row, {}};
}

std::optional<UnwindRow> rowFromCfi(const symbols::CfiRow& cfi) {
    using Kind = symbols::CfiRule::Kind;
    if (cfi.returnAddress.kind != Kind::AtCfaOffset) return std::nullopt;
    UnwindRow row;
    row.source = FoundBy::Cfi;
    if (cfi.cfaRegister == 7)
        row.cfa = CfaRule::SpPlus;
    else if (cfi.cfaRegister == 6)
        row.cfa = CfaRule::BpPlus;
    else
        return std::nullopt;
    row.cfaOffset = cfi.cfaOffset;
    row.returnAddressOffset = cfi.returnAddress.offset;
    if (cfi.bp.kind == Kind::AtCfaOffset) row.bp = {SavedRule::Kind::AtCfa, cfi.bp.offset};
    return row;
}

UnwindRow rowFromFrameSetup(const FrameSetup& setup) {
    UnwindRow row;
    row.source = FoundBy::Prologue;
    row.cfa = CfaRule::SpPlus;
    row.cfaOffset = static_cast<int64_t>(setup.returnOffset) + 8;
    if (setup.bpAtSp) row.bp = {SavedRule::Kind::AtCfa, -row.cfaOffset};
    return row;
}

UnwindRow rowFromStackDepth(const StackDepth& depth) {
    UnwindRow row;
    row.source = FoundBy::Prologue;
    row.cfa = CfaRule::SpPlus;
    row.cfaOffset = static_cast<int64_t>(depth.returnOffset) + 8;
    if (depth.callerBpAtCfa) row.bp = {SavedRule::Kind::AtCfa, *depth.callerBpAtCfa};
    return row;
}

UnwindRow rowFromEntryCall(const EntryCall& call) {
    UnwindRow row;
    row.source = FoundBy::EntryTable;
    row.kind = call.fullRegs ? UnwindRow::Kind::PtRegs : UnwindRow::Kind::IretFrame;
    row.cfa = CfaRule::SpPlus; // the stack pointer after the return
    row.regsOffset = call.ptRegsOffset;
    return row;
}

} // namespace panicscope::unwind
