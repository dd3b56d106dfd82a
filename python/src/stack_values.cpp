// Python classes for what the unwinder finds: StackTrace, Frame, InlineFrame, Boundary,
// StackRange, StopReason. Enums are their JSON keys ("orc", "interrupt", "complete"), registers
// dicts by the names the kernel's show_regs() and `bt --json` use ("ip", "sp", "ax", ...).
#include "bindings.h"
#include "unwind/frame.h"
#include "value_class.h"

namespace panicscope::python {

namespace {

using unwind::Boundary;
using unwind::Frame;
using unwind::InlineFrame;
using unwind::StackRange;
using unwind::StackTrace;
using unwind::StopReason;

// The registers whose bits are set in `known`, by their pt_regs names, in pt_regs order.
py::dict registersDict(const arch::X86Registers& regs, uint32_t known) {
    py::dict out;
    for (size_t i = 0; i < arch::kPtRegsCount; ++i)
        if (known & (1u << i))
            out[py::str(std::string(arch::kPtRegsNames[i]))] = regs.*arch::kPtRegsFields[i];
    return out;
}

void bindFrameParts(py::module_& m) {
    ValueClass<StackRange>(m, "StackRange", "One stack a walk may visit: [begin, end).")
        .address("begin", &StackRange::begin, "its lowest address")
        .address("end", &StackRange::end, "the address after its top")
        .computed(
            "kind", [](const StackRange& s) { return unwind::stackKindName(s.kind); },
            "'task', 'IRQ', 'exception', 'entry' or 'unknown'")
        .field("name", &StackRange::name, "'task stack', 'IRQ stack', 'NMI exception stack', ...");

    ValueClass<Boundary>(m, "Boundary",
                         "A pt_regs the walk crossed: the frame after it is the "
                         "interrupted context.")
        .computed(
            "kind", [](const Boundary& b) { return unwind::boundaryKindKey(b.kind); },
            "'syscall', 'interrupt', 'exception', 'nmi', 'stack-switch', 'user', 'cpu'")
        .field("entry", &Boundary::entry, "the entry symbol that saved the registers")
        .computedAddress(
            "regs_address",
            [](const Boundary& b) -> std::optional<uint64_t> {
                if (b.kind == unwind::BoundaryKind::CpuState) return std::nullopt;
                return b.regsAddress;
            },
            "where the pt_regs is, or None for a CPU's own registers")
        .field("full_regs", &Boundary::fullRegs,
               "False: only the iret frame (ip cs flags sp ss) was saved")
        .computed(
            "regs",
            [](const Boundary& b) { return registersDict(b.regs, arch::RegisterState::kAll); },
            "the 21 pt_regs words by name")
        .field("stack_overflow", &Boundary::stackOverflow,
               "the saved sp is in the guard page below the task stack");

    ValueClass<InlineFrame>(m, "InlineFrame", "A function the compiler inlined at a frame's pc.")
        .field("function", &InlineFrame::function, "its name")
        .field("file", &InlineFrame::file, "the source file where the pc is in it, or None")
        .field("line", &InlineFrame::line, "the line, or None");

    ValueClass<StopReason>(m, "StopReason", "Why a walk ended.")
        .computed(
            "status", [](const StopReason& s) { return unwind::walkStatusKey(s.kind); },
            "'complete', 'truncated', 'unreliable', 'loop' or 'too-deep'")
        .field("address", &StopReason::address, "the address to blame, or None")
        .field("text", &StopReason::text, "for people");
}

} // namespace

void bindStackValues(py::module_& m) {
    bindFrameParts(m);

    ValueClass<Frame>(m, "Frame", "One physical frame of a stack, innermost first.")
        .address("pc", &Frame::pc, "the interrupted ip, or the return address it resumes at")
        .field("interrupted", &Frame::interrupted, "whether pc was interrupted (not a call)")
        .address("sp", &Frame::sp, "the stack pointer in this frame")
        .field("function", &Frame::function, "the function at pc, or None")
        .field("offset", &Frame::offset, "pc's offset in it")
        .field("function_size", &Frame::functionSize, "its size as the kernel counts it")
        .field("module", &Frame::module, "the module it is in, or None for the vmlinux")
        .field("file", &Frame::file, "file:line of the call (with lines=True), or None")
        .field("line", &Frame::line, "")
        .field("inlines", &Frame::inlines, "the functions inlined at pc, innermost first")
        .computed(
            "found_by", [](const Frame& f) { return unwind::foundByKey(f.foundBy); },
            "'context', 'entry-table', 'orc', 'cfi', 'frame-pointer', 'scan' or 'prologue'")
        .field("boundary", &Frame::boundary, "the pt_regs crossed just before it, or None")
        .field("stack", &Frame::stack, "the StackRange sp is on")
        .field("stack_switch_from", &Frame::stackSwitchFrom,
               "the StackRange the walk left to reach it, or None")
        .field("user_mode", &Frame::userMode, "the user-mode context at the bottom")
        .computed(
            "regs", [](const Frame& f) { return registersDict(f.regs.values, f.regs.known); },
            "the registers known in this frame, by name")
        .computedAddress(
            "slot", [](const Frame& f) { return f.slot(); },
            "where its pc is stored on the stack (what bt prints in brackets)")
        .computedAddress(
            "code_address", [](const Frame& f) { return f.codeAddress(); },
            "the address of the code it executes (pc - 1 after a call)");

    ValueClass<StackTrace>(m, "StackTrace", "A task's kernel stack: frames and why the walk ended.")
        .field("frames", &StackTrace::frames, "list of Frame, innermost first")
        .field("stop", &StackTrace::stop, "the StopReason")
        .property(
            "status", [](const StackTrace& t) { return unwind::walkStatusKey(t.stop.kind); },
            "stop.status: 'complete', 'truncated', ...")
        .method(
            "functions",
            [](const StackTrace& t) {
                std::vector<std::string> out;
                for (const auto& f : t.frames) {
                    for (const auto& i : f.inlines)
                        out.push_back(i.function);
                    if (f.function) out.push_back(*f.function);
                }
                return out;
            },
            "The function names as bt prints them (inlined ones first), innermost first; a frame "
            "in "
            "no function is left out.");
}

} // namespace panicscope::python
