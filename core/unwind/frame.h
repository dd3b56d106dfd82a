// What the unwinder finds: frames, how each was found, and where entry code cut the stack.
#pragma once

#include "arch/x86_64_registers.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace panicscope::unwind {

// How a frame was found; the string keys are part of the JSON contract.
enum class FoundBy { Context, EntryTable, Orc, Cfi, FramePointer, Scan };
const char*
foundByKey(FoundBy how); // "context", "entry-table", "orc", "cfi", "frame-pointer", "scan"

enum class BoundaryKind { Syscall, Interrupt, Exception, Nmi, StackSwitch, User };
const char* boundaryKindKey(BoundaryKind kind); // "syscall", "interrupt", ...

enum class StackKind { Task, Irq, Exception, Entry, Unknown };
const char* stackKindName(StackKind kind); // "task", "IRQ", "exception", "entry", "unknown"

// A pt_regs the walk crossed: the frame after it is the interrupted context.
struct Boundary {
    BoundaryKind kind = BoundaryKind::Interrupt;
    std::string entry; // the entry symbol whose frame saved the regs, e.g. "asm_common_interrupt"
    uint64_t regsAddress = 0;
    bool fullRegs = true; // false: only the hardware iret frame (ip cs flags sp ss) is valid
    arch::X86Registers regs;
};

struct Frame {
    uint64_t pc = 0;          // runtime address: the interrupted ip, or a return address
    uint64_t sp = 0;          // the stack pointer in this frame (after the return: the CFA)
    bool interrupted = false; // pc was interrupted (symbolize pc itself, not pc - 1)
    FoundBy foundBy = FoundBy::Context;
    StackKind stack = StackKind::Unknown;
    std::string stackName;            // "task stack", "IRQ stack", "NMI exception stack", ...
    bool userMode = false;            // the user-mode context at the bottom of the stack
    std::optional<Boundary> boundary; // set on the first frame after a pt_regs
    // Symbolization (filled by the symbolizer, not the walker).
    std::optional<std::string> function;
    uint64_t offset = 0;
    uint64_t functionSize = 0;
    std::optional<std::string> module;
    std::optional<std::string> file;
    std::optional<int> line;
    bool inlined = false;
};

enum class WalkStatus {
    Complete,   // reached the bottom: a user-mode pt_regs, or the end of a kernel thread's stack
    Truncated,  // a read failed (page not in the dump, ...)
    Unreliable, // the unwind data gave up or disagreed with the stack
    Loop,       // the stack did not grow, or repeated itself
    TooDeep,    // hit the frame limit
};
const char* walkStatusKey(WalkStatus status); // "complete", "truncated", ...

struct StackTrace {
    std::vector<Frame> frames;
    WalkStatus status = WalkStatus::Complete;
    std::string reason; // why it stopped, for people ("ORC has no entry for 0x...")
};

} // namespace panicscope::unwind
