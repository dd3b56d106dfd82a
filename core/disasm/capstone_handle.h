// The one RAII owner of a Capstone handle and its instruction buffer, for the two users inside
// core: disasm::Disassembler (text for people) and unwind::entry::Disassembler (Capstone detail
// reduced for the entry decoder). Private to core's .cpp files: it includes capstone.h, which no
// public header may.
#pragma once

#include <capstone/capstone.h>

#include <cstdint>
#include <span>

namespace panicscope::disasm {

// Intel keeps Capstone's detail operands in Intel order (destination first), which the entry
// decoder relies on; AT&T reverses them as well as the text.
enum class Syntax : uint8_t { Intel, Att };

// x86-64, with instruction detail (operands, groups, register access) on. Not thread-safe: one
// thread at a time; each thread opens its own (cs_open is cheap).
class CapstoneHandle {
  public:
    explicit CapstoneHandle(Syntax syntax);
    ~CapstoneHandle();
    CapstoneHandle(const CapstoneHandle&) = delete;
    CapstoneHandle& operator=(const CapstoneHandle&) = delete;

    // CS_ERR_OK when the handle can decode; otherwise why not (cs_strerror names it).
    cs_err status() const { return status_; }
    csh get() const { return handle_; }

    // The instruction at the start of `bytes`, located at `address`, or nullptr when none
    // decodes (or the handle did not open). Points into this handle's buffer: valid until the
    // next call.
    const cs_insn* decodeOne(std::span<const uint8_t> bytes, uint64_t address);

  private:
    csh handle_ = 0;
    cs_insn* insn_ = nullptr;
    cs_err status_ = CS_ERR_OK;
};

} // namespace panicscope::disasm
