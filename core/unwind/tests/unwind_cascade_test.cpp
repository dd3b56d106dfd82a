// The walker's strategies and its one executor on stacks built by name (StackBuilder): which
// rule found each frame, what is known of its registers, where boundaries and stack switches
// are, and the rows each kind of unwind data becomes.
#include "stack_builder.h"
#include "unwind/unwind_row.h"

#include <gtest/gtest.h>

namespace panicscope::unwind {
namespace {

using arch::RegisterState;
using arch::X86Registers;
using testing::StackBuilder;

OrcEntry endOfStack() {
    return StackBuilder::orc(OrcType::EndOfStack, OrcReg::Undefined, 0);
}

TEST(UnwindCascade, OrcCallFramesKnowOnlyIpSpAndTheFramePointer) {
    StackBuilder b;
    b.callFunction("leaf", 16);
    b.callFunction("middle", 8);
    b.function("bottom", endOfStack());
    const uint64_t sp = b.sp();
    b.returnTo("middle", 0x50, 16);
    b.returnTo("bottom", 0x20, 8);
    auto t = b.walk(b.at("leaf", 0x10), sp, true);
    EXPECT_EQ(t.stop.kind, WalkStatus::Complete) << t.stop.text;
    EXPECT_EQ(t.stop.text, "end of stack");
    ASSERT_EQ(t.frames.size(), 3u);
    EXPECT_EQ(t.frames[0].foundBy, FoundBy::Context);
    EXPECT_TRUE(t.frames[0].regs.hasAll());
    EXPECT_EQ(t.frames[1].pc, b.at("middle", 0x50));
    EXPECT_EQ(t.frames[1].sp, sp + 16);
    EXPECT_EQ(t.frames[1].foundBy, FoundBy::Orc);
    EXPECT_FALSE(t.frames[1].interrupted);
    EXPECT_EQ(t.frames[1].codeAddress(), b.at("middle", 0x4f));
    EXPECT_TRUE(t.frames[1].regs.has(&X86Registers::ip));
    EXPECT_TRUE(t.frames[1].regs.has(&X86Registers::sp));
    EXPECT_TRUE(t.frames[1].regs.has(&X86Registers::bp)); // ORC: the function kept it
    EXPECT_FALSE(t.frames[1].regs.has(&X86Registers::bx));
    EXPECT_EQ(t.frames[2].stack.name, "task stack");
    EXPECT_FALSE(t.frames[2].stackSwitchFrom);
}

TEST(UnwindCascade, AnInterruptsPtRegsMakeABoundaryWithEveryRegisterKnown) {
    StackBuilder b;
    b.callFunction("handler", 16);
    b.function("asm_common_interrupt", StackBuilder::orc(OrcType::Regs, OrcReg::Sp, 0));
    b.callFunction("interrupted_fn", 8);
    b.function("bottom", endOfStack());
    const uint64_t sp = b.sp();
    b.returnTo("asm_common_interrupt", 0x22, 16);
    const uint64_t regsAt = b.sp();
    const uint64_t interruptedSp = regsAt + arch::kPtRegsSize + 0x40;
    b.ptRegs(b.at("interrupted_fn", 7), interruptedSp);
    b.moveTo(interruptedSp);
    b.returnTo("bottom", 0x10, 8);
    auto t = b.walk(b.at("handler", 5), sp, true);
    EXPECT_EQ(t.stop.kind, WalkStatus::Complete) << t.stop.text;
    ASSERT_EQ(t.frames.size(), 4u);
    const Frame& f = t.frames[2];
    EXPECT_EQ(f.pc, b.at("interrupted_fn", 7));
    EXPECT_TRUE(f.interrupted);
    EXPECT_EQ(f.codeAddress(), f.pc);
    ASSERT_TRUE(f.boundary);
    EXPECT_EQ(f.boundary->kind, BoundaryKind::Interrupt);
    EXPECT_EQ(f.boundary->entry, "asm_common_interrupt");
    EXPECT_EQ(f.boundary->regsAddress, regsAt);
    EXPECT_TRUE(f.boundary->fullRegs);
    EXPECT_TRUE(f.regs.hasAll());
    EXPECT_EQ(f.regs.values.r15, 0x1515u);
    EXPECT_EQ(t.frames[3].pc, b.at("bottom", 0x10));
}

TEST(UnwindCascade, AnIretFrameAloneKnowsOnlyTheHardwaresRegisters) {
    StackBuilder b;
    b.callFunction("handler", 16);
    b.function("asm_exc_page_fault", StackBuilder::orc(OrcType::RegsPartial, OrcReg::Sp, 0));
    b.callFunction("faulting_fn", 8);
    b.function("bottom", endOfStack());
    const uint64_t sp = b.sp();
    b.returnTo("asm_exc_page_fault", 0x1a, 16);
    const uint64_t iretAt = b.sp();
    const uint64_t faultingSp = iretAt + 0x80;
    b.iretFrame(b.at("faulting_fn", 3), faultingSp);
    b.moveTo(faultingSp);
    b.returnTo("bottom", 0x8, 8);
    auto t = b.walk(b.at("handler", 5), sp, true);
    EXPECT_EQ(t.stop.kind, WalkStatus::Complete) << t.stop.text;
    ASSERT_EQ(t.frames.size(), 4u);
    ASSERT_TRUE(t.frames[2].boundary);
    EXPECT_EQ(t.frames[2].boundary->kind, BoundaryKind::Exception);
    EXPECT_FALSE(t.frames[2].boundary->fullRegs);
    EXPECT_EQ(t.frames[2].boundary->regsAddress, iretAt - arch::kIretFrameOffset);
    const uint32_t known = t.frames[2].regs.known;
    EXPECT_EQ(known & RegisterState::kIretFrame, RegisterState::kIretFrame);
    EXPECT_FALSE(t.frames[2].regs.has(&X86Registers::ax));
    EXPECT_FALSE(t.frames[2].regs.hasAll());
}

// A kernel thread's first function returns into ret_from_fork_asm, whose ORC has no rule: the
// entry-call table knows the pt_regs at the task's top instead.
struct ForkedTask {
    StackBuilder b;
    EntryCallTable table;
    uint64_t sp = 0;
    explicit ForkedTask(uint64_t cs) {
        b.callFunction("worker", 16);
        b.function("ret_from_fork_asm", StackBuilder::orc(OrcType::Undefined, OrcReg::Sp, 0));
        sp = b.sp();
        b.returnTo("ret_from_fork_asm", 0x10, 16);
        b.ptRegs(0x401000, 0x7ffc0000, cs);
        EntryCall row;
        row.returnAddress = b.at("ret_from_fork_asm", 0x10);
        row.kind = BoundaryKind::TaskTop;
        row.entrySymbol = "ret_from_fork_asm";
        table = EntryCallTable::fromRows({row});
    }
};

TEST(UnwindCascade, TheEntryCallTableEndsAKernelThreadAtItsEmptyRegs) {
    ForkedTask task(0x10);
    auto t = task.b.walk(task.b.at("worker", 4), task.sp, false, &task.table);
    EXPECT_EQ(t.stop.kind, WalkStatus::Complete);
    EXPECT_EQ(t.stop.text, "end of the kernel thread's stack");
    EXPECT_EQ(t.frames.size(), 2u);
    // Without the table ORC has no rule there.
    auto orcOnly = task.b.walk(task.b.at("worker", 4), task.sp);
    EXPECT_NE(orcOnly.stop.kind, WalkStatus::Complete);
}

TEST(UnwindCascade, TheEntryCallTableReachesAUserTasksRegisters) {
    ForkedTask task(0x33);
    auto t = task.b.walk(task.b.at("worker", 4), task.sp, false, &task.table);
    EXPECT_EQ(t.stop.text, "reached user mode");
    ASSERT_EQ(t.frames.size(), 3u);
    const Frame& user = t.frames[2];
    EXPECT_TRUE(user.userMode);
    EXPECT_EQ(user.foundBy, FoundBy::EntryTable);
    ASSERT_TRUE(user.boundary);
    EXPECT_EQ(user.boundary->kind, BoundaryKind::Syscall);
    EXPECT_EQ(user.boundary->entry, "ret_from_fork_asm");
    EXPECT_EQ(user.pc, 0x401000u);
}

TEST(UnwindCascade, AStackSwitchIsRecordedOnTheFirstFrameBack) {
    StackBuilder b;
    constexpr uint64_t kIrqStack = 0xffffc90000100000;
    b.addStack(kIrqStack, 0x4000, StackKind::Irq, "IRQ stack");
    b.callFunction("irq_handler", 16);
    // After the switch the old sp is at the IRQ stack's top: CFA = [sp] + 16.
    b.function("call_on_irq_stack", StackBuilder::orc(OrcType::Call, OrcReg::SpIndirect, 16));
    b.callFunction("task_fn", 8);
    b.function("bottom", endOfStack());
    const uint64_t taskSp = b.sp();
    b.moveTo(taskSp);
    b.returnTo("task_fn", 0x30, 16); // call_on_irq_stack's frame on the task stack
    b.returnTo("bottom", 0x10, 8);
    b.moveTo(kIrqStack + 0x3000);
    const uint64_t irqSp = b.sp();
    b.returnTo("call_on_irq_stack", 0x20, 16);
    b.memory.put<uint64_t>(b.sp(), taskSp); // the saved task sp
    auto t = b.walk(b.at("irq_handler", 2), irqSp, true);
    EXPECT_EQ(t.stop.kind, WalkStatus::Complete) << t.stop.text;
    ASSERT_EQ(t.frames.size(), 4u);
    EXPECT_EQ(t.frames[0].stack.kind, StackKind::Irq);
    EXPECT_EQ(t.frames[1].stack.kind, StackKind::Irq);
    EXPECT_EQ(t.frames[2].pc, b.at("task_fn", 0x30));
    EXPECT_EQ(t.frames[2].stack.kind, StackKind::Task);
    ASSERT_TRUE(t.frames[2].stackSwitchFrom);
    EXPECT_EQ(t.frames[2].stackSwitchFrom->name, "IRQ stack");
    EXPECT_EQ(t.frames[2].stack.begin, 0xffffc90000010000u);
    EXPECT_FALSE(t.frames[3].stackSwitchFrom);
}

TEST(UnwindCascade, ARegisterBasedRuleNeedsThatRegisterSaved) {
    StackBuilder b;
    b.function("leaf", StackBuilder::orc(OrcType::Call, OrcReg::R10, 0));
    auto t = b.walk(b.at("leaf", 4), b.sp(), false);
    EXPECT_EQ(t.stop.kind, WalkStatus::Unreliable);
    EXPECT_EQ(t.stop.text, "ORC needs a saved register at leaf");
}

TEST(UnwindRows, OrcRulesBecomeRowsOrSayWhyNot) {
    auto call = rowFromOrc(StackBuilder::orc(OrcType::Call, OrcReg::Sp, 24));
    ASSERT_TRUE(call.row);
    EXPECT_EQ(call.row->kind, UnwindRow::Kind::Call);
    EXPECT_EQ(call.row->cfa, CfaRule::SpPlus);
    EXPECT_EQ(call.row->cfaOffset, 24);
    EXPECT_EQ(call.row->returnAddressOffset, -8);
    auto partial = rowFromOrc(StackBuilder::orc(OrcType::RegsPartial, OrcReg::Sp, 8));
    ASSERT_TRUE(partial.row);
    EXPECT_EQ(partial.row->kind, UnwindRow::Kind::IretFrame);
    EXPECT_EQ(partial.row->regsOffset, -128);
    auto r13 = rowFromOrc(StackBuilder::orc(OrcType::Call, OrcReg::R13, 0));
    ASSERT_TRUE(r13.row);
    EXPECT_EQ(r13.row->cfa, CfaRule::RegisterSet);
    EXPECT_EQ(r13.row->cfaRegister, &X86Registers::r13);
    auto bad = rowFromOrc(StackBuilder::orc(OrcType::Call, OrcReg::Undefined, 0));
    EXPECT_FALSE(bad.row);
    EXPECT_EQ(bad.problem, "ORC uses an unknown base register");
    OrcEntry badBp = StackBuilder::orc(OrcType::Call, OrcReg::Sp, 8);
    badBp.bpReg = OrcReg::SpIndirect;
    EXPECT_EQ(rowFromOrc(badBp).problem, "ORC uses an unknown frame-pointer rule");
}

TEST(UnwindRows, CfiAndEntryCallsBecomeRows) {
    symbols::CfiRow cfi;
    cfi.cfaRegister = 6; // rbp
    cfi.cfaOffset = 16;
    cfi.returnAddress = {symbols::CfiRule::Kind::AtCfaOffset, -8};
    cfi.bp = {symbols::CfiRule::Kind::AtCfaOffset, -16};
    auto row = rowFromCfi(cfi);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->source, FoundBy::Cfi);
    EXPECT_EQ(row->cfa, CfaRule::BpPlus);
    EXPECT_EQ(row->bp.kind, SavedRule::Kind::AtCfa);
    EXPECT_EQ(row->bp.offset, -16);
    cfi.cfaRegister = 3; // rbx: not a rule the walker applies
    EXPECT_FALSE(rowFromCfi(cfi));
    EntryCall errorEntry;
    errorEntry.ptRegsOffset = -120;
    errorEntry.fullRegs = false;
    auto entry = rowFromEntryCall(errorEntry);
    EXPECT_EQ(entry.source, FoundBy::EntryTable);
    EXPECT_EQ(entry.kind, UnwindRow::Kind::IretFrame);
    EXPECT_EQ(entry.regsOffset, -120);
}

} // namespace
} // namespace panicscope::unwind
