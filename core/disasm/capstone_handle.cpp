#include "disasm/capstone_handle.h"

#include <algorithm>

namespace panicscope::disasm {

namespace {
// An x86 instruction is at most 15 bytes; Capstone never needs more than this to decode one.
constexpr size_t kMaxInsnBytes = 16;
} // namespace

CapstoneHandle::CapstoneHandle(Syntax syntax) {
    status_ = cs_open(CS_ARCH_X86, CS_MODE_64, &handle_);
    if (status_ != CS_ERR_OK) {
        handle_ = 0;
        return;
    }
    if (syntax == Syntax::Att) status_ = cs_option(handle_, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
    if (status_ == CS_ERR_OK) status_ = cs_option(handle_, CS_OPT_DETAIL, CS_OPT_ON);
    // The buffer is sized for detail, so it is allocated after detail is switched on.
    if (status_ == CS_ERR_OK) insn_ = cs_malloc(handle_);
    if (status_ == CS_ERR_OK && !insn_) status_ = CS_ERR_MEM;
}

CapstoneHandle::~CapstoneHandle() {
    if (insn_) cs_free(insn_, 1);
    if (handle_) cs_close(&handle_);
}

const cs_insn* CapstoneHandle::decodeOne(std::span<const uint8_t> bytes, uint64_t address) {
    if (status_ != CS_ERR_OK || bytes.empty()) return nullptr;
    const uint8_t* code = bytes.data();
    size_t size = std::min(bytes.size(), kMaxInsnBytes);
    uint64_t at = address;
    if (!cs_disasm_iter(handle_, &code, &size, &at, insn_)) return nullptr;
    return insn_;
}

} // namespace panicscope::disasm
