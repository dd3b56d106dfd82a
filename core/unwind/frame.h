// What the unwinder finds: physical frames with what is known of their registers, the functions
// inlined into each, where entry code cut the stack, and why the walk stopped. Plain values: the
// front ends (CLI, GUI, plugins, Python) get these from model::Session.
#pragma once

#include "arch/x86_64_registers.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace panicscope::unwind {

// How a frame was found; the string keys are part of the JSON contract.
// Prologue: from the interrupted function's decoded code (unwind/frame_setup.h).
enum class FoundBy { Context, EntryTable, Orc, Cfi, FramePointer, Scan, Prologue };
// "context", "entry-table", "orc", "cfi", "frame-pointer", "scan", "prologue"
const char* foundByKey(FoundBy how);

// What a pt_regs (or a place in the entry code) stands for.
enum class BoundaryKind {
    Syscall,
    Interrupt,
    Exception,
    Nmi,
    StackSwitch,
    // The task's top pt_regs where a new task starts (ret_from_fork): user registers for a user
    // task, copy_thread()'s empty ones for a kernel thread. JSON key "user" (a contract).
    TaskTop,
    // No pt_regs: the registers the dump holds for a CPU that was stopped in user mode
    // (NT_PRSTATUS, QEMU's CPU state). JSON key "cpu"; no entry, no regs address.
    CpuState,
};
const char* boundaryKindKey(BoundaryKind kind); // "syscall", "interrupt", ..., "user"
// The kind of boundary an entry symbol makes ("asm_common_interrupt" -> Interrupt, ...): the one
// classification of entry code by name.
BoundaryKind boundaryKindOfEntry(std::string_view entrySymbol);

enum class StackKind { Task, Irq, Exception, Entry, Unknown };
const char* stackKindName(StackKind kind); // "task", "IRQ", "exception", "entry", "unknown"

// One stack a walk may visit, with its bounds.
struct StackRange {
    uint64_t begin = 0, end = 0; // [begin, end)
    StackKind kind = StackKind::Unknown;
    std::string name; // "task stack", "IRQ stack", "NMI exception stack", ...
    bool contains(uint64_t address, uint64_t size = 8) const {
        return address >= begin && address + size <= end && address + size > address;
    }
};

// A pt_regs the walk crossed: the frame after it is the interrupted context.
struct Boundary {
    BoundaryKind kind = BoundaryKind::Interrupt;
    std::string entry; // the entry symbol whose frame saved the regs, e.g. "asm_common_interrupt"
    uint64_t regsAddress = 0;
    bool fullRegs = true; // false: only the hardware iret frame (ip cs flags sp ss) is valid
    arch::X86Registers regs;
    // The saved sp lies in the guard page below the task stack: the task overflowed its stack
    // (the double fault the kernel's handle_stack_overflow reports).
    bool stackOverflow = false;
};

// A function the compiler inlined at a physical frame's pc.
struct InlineFrame {
    std::string function;
    std::optional<std::string> file; // where in the inlined function the pc is
    std::optional<int> line;
};

// The address whose code a frame at `pc` is executing: pc itself when it was interrupted, else
// the call instruction's last byte (a return address can be the first byte of the next
// function). The one place that knows the "pc - 1" rule.
inline uint64_t codeAddressOf(uint64_t pc, bool interrupted) {
    return interrupted ? pc : pc - 1;
}

// One physical frame: a function executing at `pc`.
struct Frame {
    // The interrupted ip (`interrupted`), or the return address this frame resumes at.
    uint64_t pc = 0;
    bool interrupted = false;
    // The stack pointer in this frame: after the return, the callee's CFA.
    uint64_t sp = 0;
    // What is known of the frame's registers: all of them at a pt_regs or NT_PRSTATUS, the ip,
    // sp and what the unwind data restored elsewhere.
    arch::RegisterState regs;
    FoundBy foundBy = FoundBy::Context;
    StackRange stack; // the stack sp is on (kind Unknown, empty name when none)
    // Set on the first frame on another stack than the frame before it (the stack it left).
    std::optional<StackRange> stackSwitchFrom;
    bool userMode = false;            // the user-mode context at the bottom of the stack
    std::optional<Boundary> boundary; // set on the first frame after a pt_regs
    // Symbolization (filled by the symbolizer, not the walker).
    std::optional<std::string> function;
    uint64_t offset = 0;
    uint64_t functionSize = 0;
    std::optional<std::string> module;
    std::optional<std::string> file; // for a frame with inlines: the outermost one's call site
    std::optional<int> line;
    std::vector<InlineFrame> inlines; // innermost first

    uint64_t codeAddress() const { return codeAddressOf(pc, interrupted); }
    // Where on the stack this frame's pc is stored, what bt prints in brackets for `rd`: a
    // return address's slot (just below the CFA `sp`), or the ip of the pt_regs an interrupted
    // frame was found in. A frame that starts from a CPU's registers has no such word: its sp.
    uint64_t slot() const {
        if (interrupted && boundary) return boundary->regsAddress + arch::kIretFrameOffset;
        return interrupted ? sp : sp - 8;
    }
};

enum class WalkStatus {
    Complete,   // reached the bottom: a user-mode pt_regs, or the end of a kernel thread's stack
    Truncated,  // a read failed (page not in the dump, ...)
    Unreliable, // the unwind data gave up or disagreed with the stack
    Loop,       // the stack did not grow, or repeated itself
    TooDeep,    // hit the frame limit
};
const char* walkStatusKey(WalkStatus status); // "complete", "truncated", ...

// Why a walk ended: its status, the address it was at (when one is to blame), and for people.
struct StopReason {
    WalkStatus kind = WalkStatus::Complete;
    std::optional<uint64_t> address;
    std::string text; // "ORC has no entry for 0x..."
};

struct StackTrace {
    std::vector<Frame> frames;
    StopReason stop;
};

} // namespace panicscope::unwind
