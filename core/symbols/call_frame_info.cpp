#include "symbols/call_frame_info.h"

#include <dwarf.h>

namespace panicscope::symbols {

namespace {

constexpr int kReturnAddressRegister = 16; // x86-64 DWARF: the return address column

CfiRule ruleFor(Dwarf_Frame* frame, int reg) {
    Dwarf_Op mem[3];
    Dwarf_Op* ops = nullptr;
    size_t nops = 0;
    if (dwarf_frame_register(frame, reg, mem, &ops, &nops) != 0) return {};
    if (nops == 0) return {ops ? CfiRule::Kind::Undefined : CfiRule::Kind::SameValue, 0};
    if (ops[0].atom != DW_OP_call_frame_cfa) return {};
    if (nops == 1) return {CfiRule::Kind::AtCfaOffset, 0};
    if (nops == 2 && ops[1].atom == DW_OP_plus_uconst)
        return {CfiRule::Kind::AtCfaOffset, static_cast<int64_t>(ops[1].number)};
    return {};
}

} // namespace

std::optional<CfiRow> callFrameRow(DwarfHandle& dwarf, uint64_t linkAddress) {
    std::lock_guard lock(dwarf.mutex);
    Dwarf_CFI* cfi = dwarf_getcfi(dwarf.dwarf); // owned by the Dwarf handle
    if (!cfi) return std::nullopt;
    Dwarf_Frame* frame = nullptr;
    if (dwarf_cfi_addrframe(cfi, linkAddress, &frame) != 0 || !frame) return std::nullopt;
    std::optional<CfiRow> row;
    Dwarf_Op* ops = nullptr;
    size_t nops = 0;
    // libdw hands the CFA back as DW_OP_bregx (register, offset) or DW_OP_bregN (offset).
    if (dwarf_frame_cfa(frame, &ops, &nops) == 0 && nops == 1 &&
        (ops[0].atom == DW_OP_bregx ||
         (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31))) {
        CfiRow r;
        if (ops[0].atom == DW_OP_bregx) {
            r.cfaRegister = static_cast<int>(ops[0].number);
            r.cfaOffset = static_cast<int64_t>(ops[0].number2);
        } else {
            r.cfaRegister = ops[0].atom - DW_OP_breg0;
            r.cfaOffset = static_cast<int64_t>(ops[0].number);
        }
        r.returnAddress = ruleFor(frame, kReturnAddressRegister);
        r.bp = ruleFor(frame, 6);
        row = r;
    }
    free(frame); // dwarf_cfi_addrframe's result is the caller's to free
    return row;
}

} // namespace panicscope::symbols
