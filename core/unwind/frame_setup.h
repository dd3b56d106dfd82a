// Where an interrupted function without unwind data keeps its return address, read from its own
// code. On a frame-pointer kernel assembly has neither ORC nor DWARF CFI, and the frame-pointer
// chain alone skips the caller of a function that has not built its frame record (a leaf like
// clear_user_rep_good never does): rbp is still the caller's, so [rbp + 8] is the caller's
// caller. Decoding the function says whether its prologue (push %rbp; mov %rsp, %rbp) has run
// at the interrupted pc, or that it never touches the stack pointer at all.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace panicscope::unwind {

struct FrameSetup {
    enum class Kind {
        Built,         // the frame record is built at pc: the frame-pointer chain is right
        ReturnAddress, // the return address is at sp + returnOffset
        Unknown,       // the code does not say (see why)
    };
    Kind kind = Kind::Unknown;
    uint64_t returnOffset = 0; // ReturnAddress: 0, or 8 right after push %rbp
    bool bpAtSp = false;       // ReturnAddress: the caller's rbp is at [sp] (pushed, not yet moved)
    std::string why;           // Unknown: what in the code this cannot follow
};

// `code` holds the whole function, which starts at runtime address `start`; `pc` is the
// interrupted ip inside it.
FrameSetup frameSetupAt(std::string_view code, uint64_t start, uint64_t pc);

} // namespace panicscope::unwind
