#include "unwind/frame.h"

namespace panicscope::unwind {

const char* foundByKey(FoundBy how) {
    switch (how) {
    case FoundBy::Context:
        return "context";
    case FoundBy::EntryTable:
        return "entry-table";
    case FoundBy::Orc:
        return "orc";
    case FoundBy::Cfi:
        return "cfi";
    case FoundBy::FramePointer:
        return "frame-pointer";
    case FoundBy::Scan:
        return "scan";
    case FoundBy::Prologue:
        return "prologue";
    }
    return "?";
}

const char* boundaryKindKey(BoundaryKind kind) {
    switch (kind) {
    case BoundaryKind::Syscall:
        return "syscall";
    case BoundaryKind::Interrupt:
        return "interrupt";
    case BoundaryKind::Exception:
        return "exception";
    case BoundaryKind::Nmi:
        return "nmi";
    case BoundaryKind::StackSwitch:
        return "stack-switch";
    case BoundaryKind::TaskTop:
        return "user";
    case BoundaryKind::CpuState:
        return "cpu";
    }
    return "?";
}

BoundaryKind boundaryKindOfEntry(std::string_view s) {
    if (s.starts_with("entry_SYSCALL") || s.starts_with("entry_SYSENTER") ||
        s.starts_with("entry_INT80") || s == "asm_int80_emulation" ||
        s.starts_with("ret_from_fork"))
        return BoundaryKind::Syscall;
    // Every NMI path: asm_exc_nmi, the Xen PV one, and the nested-NMI code (repeat_nmi, ...).
    if (s.find("nmi") != std::string_view::npos) return BoundaryKind::Nmi;
    if (s.starts_with("asm_exc_") || s.starts_with("asm_xenpv_exc_"))
        return BoundaryKind::Exception;
    return BoundaryKind::Interrupt;
}

const char* stackKindName(StackKind kind) {
    switch (kind) {
    case StackKind::Task:
        return "task";
    case StackKind::Irq:
        return "IRQ";
    case StackKind::Exception:
        return "exception";
    case StackKind::Entry:
        return "entry";
    case StackKind::Unknown:
        return "unknown";
    }
    return "?";
}

const char* walkStatusKey(WalkStatus status) {
    switch (status) {
    case WalkStatus::Complete:
        return "complete";
    case WalkStatus::Truncated:
        return "truncated";
    case WalkStatus::Unreliable:
        return "unreliable";
    case WalkStatus::Loop:
        return "loop";
    case WalkStatus::TooDeep:
        return "too-deep";
    }
    return "?";
}

} // namespace panicscope::unwind
