// Hand-made model values for the GUI's model tests: a small task list and an IRQ-style stack.
#pragma once

#include "model/values.h"

#include <vector>

namespace panicscope::gui::testing {

inline model::TaskRow task(int32_t pid, int32_t tgid, int32_t ppid, const char* comm, char state,
                           uint32_t cpu = 0) {
    model::TaskRow t;
    t.pid = pid;
    t.tgid = tgid;
    t.ppid = ppid;
    t.comm = comm;
    t.state = state;
    t.cpu = cpu;
    t.address = 0xffff888000000000 + uint64_t(pid) * 0x1000 + cpu;
    return t;
}

// Two idle tasks, init and kthreadd, a kworker, a shell, a crashing process and its thread.
inline std::vector<model::TaskRow> fakeTasks() {
    std::vector<model::TaskRow> tasks = {task(0, 0, 0, "swapper/0", 'R', 0),
                                         task(0, 0, 0, "swapper/1", 'R', 1),
                                         task(1, 1, 0, "init", 'S'),
                                         task(2, 2, 0, "kthreadd", 'S'),
                                         task(10, 10, 2, "kworker/0:1", 'I'),
                                         task(100, 100, 1, "sh", 'S'),
                                         task(101, 101, 100, "crasher", 'R', 0),
                                         task(102, 101, 100, "crasher-thr", 'D', 1)};
    tasks[0].kernelThread = tasks[1].kernelThread = tasks[3].kernelThread = true;
    tasks[4].kernelThread = true;
    tasks[1].onCpu = true; // CPU 1 idles
    tasks[6].onCpu = true; // CPU 0 crashed in crasher
    tasks[6].crashing = true;
    return tasks;
}

inline unwind::Frame frame(uint64_t pc, uint64_t sp, const char* function, unwind::StackRange stack,
                           bool interrupted = false) {
    unwind::Frame f;
    f.pc = pc;
    f.sp = sp;
    f.interrupted = interrupted;
    f.function = function;
    f.offset = 0x10;
    f.functionSize = 0x80;
    f.stack = std::move(stack);
    f.foundBy = unwind::FoundBy::Orc;
    f.regs.set(&arch::X86Registers::ip, pc);
    f.regs.set(&arch::X86Registers::sp, sp);
    return f;
}

// As an IRQ panic's crashing task: three frames on the IRQ stack (one with two inlined
// functions), the interrupt entry on the task stack, the interrupted function after the
// interrupt's pt_regs, its caller, and the user context after a syscall's pt_regs.
inline unwind::StackTrace irqTrace() {
    const unwind::StackRange irq{0xffffc90000000000, 0xffffc90000004000, unwind::StackKind::Irq,
                                 "IRQ stack"};
    const unwind::StackRange task{0xffffc90000100000, 0xffffc90000104000, unwind::StackKind::Task,
                                  "task stack"};
    unwind::StackTrace t;
    t.frames.push_back(frame(0xffffffff81000033, 0xffffc90000003cc8, "delay_tsc", irq, true));
    t.frames.back().foundBy = unwind::FoundBy::Context;
    t.frames.back().regs.known = arch::RegisterState::kAll;
    t.frames.push_back(frame(0xffffffff81001000, 0xffffc90000003d00, "panic", irq));
    t.frames.back().inlines = {{"inner_fn", "kernel/inner.c", 10},
                               {"outer_fn", "kernel/outer.c", 20}};
    t.frames.back().file = "kernel/panic.c";
    t.frames.back().line = 300;
    t.frames.push_back(frame(0xffffffff81002000, 0xffffc90000003ff8, "common_interrupt", irq));
    t.frames.push_back(frame(0xffffffff81003022, 0xffffc90000103b18, "asm_common_interrupt", task));
    t.frames.back().stackSwitchFrom = irq;
    t.frames.push_back(frame(0xffffffff81004a1e, 0xffffc90000103bc0, "clear_user", task, true));
    unwind::Boundary b;
    b.kind = unwind::BoundaryKind::Interrupt;
    b.entry = "asm_common_interrupt";
    b.regsAddress = 0xffffc90000103b18;
    b.regs.ip = 0xffffffff81004a1e;
    b.regs.cs = 0x10;
    b.regs.sp = 0xffffc90000103bc0;
    b.regs.ax = 0x1234;
    t.frames.back().boundary = b;
    t.frames.back().regs = {b.regs, arch::RegisterState::kAll};
    t.frames.push_back(frame(0xffffffff81005b2d, 0xffffc90000103bc8, "read_zero", task));
    t.frames.back().foundBy = unwind::FoundBy::Scan;
    unwind::Frame user;
    user.pc = 0x47b6fd;
    user.sp = 0x7ffd0000;
    user.userMode = true;
    user.interrupted = true;
    user.foundBy = unwind::FoundBy::EntryTable;
    unwind::Boundary syscall;
    syscall.kind = unwind::BoundaryKind::Syscall;
    syscall.entry = "entry_SYSCALL_64_after_hwframe";
    syscall.regs.ip = 0x47b6fd;
    syscall.regs.cs = 0x33;
    user.boundary = syscall;
    t.frames.push_back(user);
    t.stop = {unwind::WalkStatus::Complete, std::nullopt, "reached user mode"};
    return t;
}

} // namespace panicscope::gui::testing
