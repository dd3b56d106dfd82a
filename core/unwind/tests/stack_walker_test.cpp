// The walk loop on synthetic stacks: the normal chain, a pt_regs boundary, and every way a
// stack can be bad. Each bad stack ends with a status, never a hang or a crash.
#include "unwind/stack_walker.h"

#include "fake_memory.h"

#include <gtest/gtest.h>

namespace panicscope::unwind {
namespace {

constexpr uint64_t kStackBase = 0xffffc90000010000, kStackEnd = kStackBase + 0x4000;

OrcEntry call(int16_t spOffset) {
    OrcEntry e;
    e.type = OrcType::Call;
    e.spReg = OrcReg::Sp;
    e.spOffset = spOffset;
    return e;
}

class SyntheticStack : public ::testing::Test {
  protected:
    SyntheticStack()
        : symbols({{"leaf", 0xffffffff81001000, 0x100, true},
                   {"middle", 0xffffffff81001100, 0x100, true},
                   {"bottom", 0xffffffff81001200, 0x100, true},
                   {"asm_common_interrupt", 0xffffffff81002000, 0x40, true},
                   {"__x86_indirect_thunk_array", 0xffffffff81002040, 0x20, true}, // ORC: none
                   {"some_data", 0xffffffff82000000, 0x100, false}}) {
        OrcEntry end;
        end.type = OrcType::EndOfStack;
        OrcEntry regs;
        regs.type = OrcType::Regs;
        regs.spReg = OrcReg::Sp;
        regs.spOffset = 0;
        orc = OrcTable::fromRows({0xffffffff81001000, 0xffffffff81001100, 0xffffffff81001200,
                                  0xffffffff81002000, 0xffffffff81002040},
                                 {call(16), call(8), end, regs, OrcEntry{}});
        memory.mapZeros(kStackBase, kEndMapped);
        stacks = {{kStackBase, kStackEnd, StackKind::Task, "task stack"}};
    }
    StackTrace walk(uint64_t ip, uint64_t sp, bool interrupted = true) {
        WalkStart start;
        start.regs.ip = ip;
        start.regs.sp = sp;
        start.regs.cs = 0x10;
        start.interrupted = interrupted;
        CodeMap code(symbols, 0, &orc, {});
        WalkerContext context{memory, code, nullptr, {}};
        return walkStack(context, start, stacks);
    }
    // A walk interrupted at `ip` where a call just pushed its return address (into middle), as
    // the step for a call's target must find it: the caller there, its sp right above it.
    void expectTheReturnAddressOnTop(uint64_t ip) {
        const uint64_t sp = kStackBase + 0x3000;
        memory.put<uint64_t>(sp, 0xffffffff81001150);
        memory.put<uint64_t>(sp + 8, 0xffffffff81001250); // middle: CFA = its sp + 8
        auto t = walk(ip, sp);
        EXPECT_EQ(t.stop.kind, WalkStatus::Complete) << t.stop.text;
        ASSERT_EQ(t.frames.size(), 3u);
        EXPECT_EQ(t.frames[1].pc, 0xffffffff81001150u);
        EXPECT_EQ(t.frames[1].sp, sp + 8);
        EXPECT_EQ(t.frames[1].foundBy, FoundBy::Orc);
        EXPECT_EQ(t.frames[2].pc, 0xffffffff81001250u);
    }
    static constexpr uint64_t kEndMapped = 0x4000;
    symbols::SymbolTable symbols;
    OrcTable orc;
    testing::FakeMemory memory;
    std::vector<StackRange> stacks;
};

TEST_F(SyntheticStack, FollowsReturnAddressesToTheEndOfStack) {
    const uint64_t sp = kStackBase + 0x3000;
    memory.put<uint64_t>(sp + 8, 0xffffffff81001150);  // leaf's frame: CFA sp+16, ret at CFA-8
    memory.put<uint64_t>(sp + 16, 0xffffffff81001250); // middle's: CFA sp+16+8
    auto t = walk(0xffffffff81001010, sp);
    EXPECT_EQ(t.stop.kind, WalkStatus::Complete) << t.stop.text;
    ASSERT_EQ(t.frames.size(), 3u);
    EXPECT_EQ(t.frames[0].pc, 0xffffffff81001010u);
    EXPECT_TRUE(t.frames[0].interrupted);
    EXPECT_EQ(t.frames[1].pc, 0xffffffff81001150u);
    EXPECT_EQ(t.frames[1].sp, sp + 16);
    EXPECT_EQ(t.frames[1].foundBy, FoundBy::Orc);
    EXPECT_FALSE(t.frames[1].interrupted);
    EXPECT_EQ(t.frames[2].pc, 0xffffffff81001250u);
    EXPECT_EQ(t.frames[2].stack.name, "task stack");
}

TEST_F(SyntheticStack, CrossesAPtRegsBoundaryToTheInterruptedContext) {
    // asm_common_interrupt's ORC says: full pt_regs at sp. They hold an interrupted kernel ip.
    const uint64_t regs = kStackBase + 0x2000;
    memory.put<uint64_t>(regs + 16 * 8, 0xffffffff81001120); // ip: in middle
    memory.put<uint64_t>(regs + 17 * 8, 0x10);               // cs
    memory.put<uint64_t>(regs + 19 * 8, regs + 0x200);       // sp
    memory.put<uint64_t>(regs + 0x200, 0xffffffff81001250);  // middle: CFA sp+8, ret at sp
    auto t = walk(0xffffffff81002022, regs, false);
    EXPECT_EQ(t.stop.kind, WalkStatus::Complete) << t.stop.text;
    ASSERT_EQ(t.frames.size(), 3u);
    ASSERT_TRUE(t.frames[1].boundary);
    EXPECT_EQ(t.frames[1].boundary->entry, "asm_common_interrupt");
    EXPECT_EQ(t.frames[1].boundary->kind, BoundaryKind::Interrupt);
    EXPECT_EQ(t.frames[1].boundary->regsAddress, regs);
    EXPECT_EQ(t.frames[1].pc, 0xffffffff81001120u);
    EXPECT_TRUE(t.frames[1].interrupted);
}

TEST_F(SyntheticStack, UserModePtRegsEndTheWalk) {
    const uint64_t regs = kStackBase + 0x2000;
    memory.put<uint64_t>(regs + 16 * 8, 0x401000); // user ip
    memory.put<uint64_t>(regs + 17 * 8, 0x33);
    memory.put<uint64_t>(regs + 19 * 8, 0x7ffd0000);
    auto t = walk(0xffffffff81002022, regs, false);
    EXPECT_EQ(t.stop.kind, WalkStatus::Complete);
    ASSERT_EQ(t.frames.size(), 2u);
    EXPECT_TRUE(t.frames[1].userMode);
    EXPECT_EQ(t.frames[1].boundary->regs.ip, 0x401000u);
}

TEST_F(SyntheticStack, AStackThatDoesNotGrowIsALoop) {
    OrcEntry noGrowth = call(8); // CFA = sp + 8 and the return address points back into it
    orc = OrcTable::fromRows({0xffffffff81001000, 0xffffffff81001100}, {noGrowth, call(0)});
    const uint64_t sp = kStackBase + 0x3000;
    memory.put<uint64_t>(sp, 0xffffffff81001150); // leaf returns to middle
    auto t = walk(0xffffffff81001010, sp);
    EXPECT_EQ(t.stop.kind, WalkStatus::Loop);
    EXPECT_EQ(t.stop.text, "the stack pointer went down at middle");
}

TEST_F(SyntheticStack, GarbageReturnAddressIsNotFollowed) {
    const uint64_t sp = kStackBase + 0x3000;
    memory.put<uint64_t>(sp + 8, 0xdeadbeefdeadbeef);
    auto t = walk(0xffffffff81001010, sp);
    EXPECT_EQ(t.stop.kind, WalkStatus::Unreliable);
    EXPECT_EQ(t.stop.text, "0xdeadbeefdeadbeef is not in kernel text");
    EXPECT_EQ(t.frames.size(), 2u);
    memory.put<uint64_t>(sp + 8, 0xffffffff82000010); // data, not code
    t = walk(0xffffffff81001010, sp);
    EXPECT_EQ(t.stop.text, "0xffffffff82000010 is not in kernel text");
}

TEST_F(SyntheticStack, AMissingPageTruncatesWithTheReason) {
    stacks[0].end = kStackEnd + 0x1000; // the stack goes on into a page the dump lacks
    const uint64_t sp = kStackEnd - 8;
    auto t = walk(0xffffffff81001010, sp); // leaf's return address at sp+8: the missing page
    EXPECT_EQ(t.stop.kind, WalkStatus::Truncated);
    EXPECT_EQ(t.frames.size(), 1u);
    EXPECT_NE(t.stop.text.find("is not in the dump"), std::string::npos) << t.stop.text;
}

TEST_F(SyntheticStack, CorruptPtRegsPointingOffTheStacksStop) {
    const uint64_t regs = kStackBase + 0x2000;
    memory.put<uint64_t>(regs + 16 * 8, 0xffffffff81001120);
    memory.put<uint64_t>(regs + 17 * 8, 0x10);
    memory.put<uint64_t>(regs + 19 * 8, 0x1234); // sp nowhere
    auto t = walk(0xffffffff81002022, regs, false);
    EXPECT_EQ(t.stop.kind, WalkStatus::Unreliable);
    EXPECT_EQ(t.stop.text, "stack pointer 0x1234 is on no known stack");
    // pt_regs that would end past the stack's top cannot be read at all.
    t = walk(0xffffffff81002022, kStackEnd - 64, false);
    EXPECT_EQ(t.stop.kind, WalkStatus::Unreliable);
    EXPECT_EQ(t.stop.text, "pt_regs at 0xffffc90000013fc0 is on no known stack");
}

TEST_F(SyntheticStack, EndlessRecursionStopsAtTheFrameLimit) {
    const uint64_t sp = kStackBase;
    for (uint64_t a = sp + 8; a < kStackEnd; a += 16)
        memory.put<uint64_t>(a, 0xffffffff81001050);
    auto t = walk(0xffffffff81001010, sp);
    EXPECT_EQ(t.stop.kind, WalkStatus::TooDeep);
    EXPECT_EQ(t.frames.size(), kMaxFrames);
}

TEST_F(SyntheticStack, ACpuInUserModeHasNoKernelFrames) {
    WalkStart start;
    start.regs.ip = 0x401000;
    start.regs.sp = 0x7ffd0000;
    start.regs.cs = 0x33;
    CodeMap code(symbols, 0, &orc, {});
    WalkerContext context{memory, code, nullptr, {}};
    auto t = walkStack(context, start, stacks);
    EXPECT_EQ(t.stop.kind, WalkStatus::Complete);
    ASSERT_EQ(t.frames.size(), 1u);
    EXPECT_TRUE(t.frames[0].userMode);
}

TEST_F(SyntheticStack, ModuleFramesUseTheModulesOwnOrcAndSymbols) {
    // A module at runtime addresses, with its own ORC: crash_init's frame is 24 bytes.
    std::vector<ModuleCode> modules(1);
    modules[0].name = "crashmod";
    modules[0].textBase = 0xffffffffc0000000;
    modules[0].textSize = 0x1000;
    modules[0].symbols = symbols::SymbolTable({{"crash_init", 0xffffffffc0000100, 0x80, true}});
    modules[0].orc = OrcTable::fromRows({0xffffffffc0000100, 0xffffffffc0000180}, {call(24), {}});
    const uint64_t sp = kStackBase + 0x3000;
    memory.put<uint64_t>(sp + 8, 0xffffffffc0000120);       // leaf returns into the module
    memory.put<uint64_t>(sp + 16 + 16, 0xffffffff81001250); // crash_init returns to bottom
    WalkStart start;
    start.regs.ip = 0xffffffff81001010;
    start.regs.sp = sp;
    start.regs.cs = 0x10;
    CodeMap code(symbols, 0, &orc, modules);
    WalkerContext context{memory, code, nullptr, {}};
    auto t = walkStack(context, start, stacks);
    EXPECT_EQ(t.stop.kind, WalkStatus::Complete) << t.stop.text;
    ASSERT_EQ(t.frames.size(), 3u);
    EXPECT_EQ(t.frames[1].pc, 0xffffffffc0000120u);
    EXPECT_EQ(t.frames[2].pc, 0xffffffff81001250u);
    EXPECT_EQ(t.frames[2].sp, sp + 16 + 24);
    // An address in the module's range but in no function of it is no code.
    memory.put<uint64_t>(sp + 8, 0xffffffffc0000900);
    t = walkStack(context, start, stacks);
    EXPECT_EQ(t.stop.kind, WalkStatus::Unreliable);
    EXPECT_EQ(t.stop.text, "0xffffffffc0000900 is not in kernel text");
}

TEST_F(SyntheticStack, FramePointerKernelUsesCfiWhereTheFrameRecordIsNotBuiltYet) {
    // No ORC. An NMI stopped `middle` at its first instruction: rbp still holds the caller's
    // value (0 here, as entry code leaves it), the return address is at sp. CFI knows that;
    // the frame-pointer chain alone would end the walk at `middle`.
    const uint64_t sp = kStackBase + 0x3000;
    memory.put<uint64_t>(sp, 0xffffffff81001250); // middle returns to bottom
    WalkStart start;
    start.regs.ip = 0xffffffff81001100; // middle+0x0
    start.regs.sp = sp;
    start.regs.bp = 0;
    start.regs.cs = 0x10;
    CodeMap code(symbols, 0, nullptr, {});
    WalkerContext context{memory, code, nullptr, {}};
    context.cfi = [](uint64_t address) -> std::optional<symbols::CfiRow> {
        if (address != 0xffffffff81001100) return std::nullopt;
        symbols::CfiRow row;
        row.cfaRegister = 7; // rsp
        row.cfaOffset = 8;
        row.returnAddress = {symbols::CfiRule::Kind::AtCfaOffset, -8};
        row.bp = {symbols::CfiRule::Kind::SameValue, 0};
        return row;
    };
    auto t = walkStack(context, start, stacks);
    EXPECT_EQ(t.stop.kind, WalkStatus::Complete) << t.stop.text;
    ASSERT_EQ(t.frames.size(), 2u);
    EXPECT_EQ(t.frames[1].pc, 0xffffffff81001250u);
    EXPECT_EQ(t.frames[1].sp, sp + 8);
    EXPECT_EQ(t.frames[1].foundBy, FoundBy::Cfi);
    // Without CFI the code says the same at a function's first instruction: nothing ran yet.
    context.cfi = nullptr;
    t = walkStack(context, start, stacks);
    EXPECT_EQ(t.stop.kind, WalkStatus::Complete) << t.stop.text;
    ASSERT_EQ(t.frames.size(), 2u);
    EXPECT_EQ(t.frames[1].pc, 0xffffffff81001250u);
    EXPECT_EQ(t.frames[1].foundBy, FoundBy::Prologue);
}

TEST_F(SyntheticStack, FramePointerKernelFindsTheCallerOfAnInterruptedFramelessLeaf) {
    // No ORC, no CFI: `leaf` is assembly that never touches the stack (clear_user_rep_good),
    // interrupted in its rep stosq. Its return address into middle is at sp; rbp is still
    // middle's frame record, whose return address goes to bottom. The chain alone would skip
    // middle.
    const std::vector<uint8_t> leafCode = {0x48, 0x83, 0xf9, 0x40, 0x72, 0xaa, 0x89,
                                           0xca, 0x48, 0xc1, 0xe9, 0x03, 0x74, 0x03,
                                           0xf3, 0x48, 0xab, 0x31, 0xc0, 0xc3};
    memory.mapZeros(0xffffffff81001000, 0x300); // the functions' code
    memory.putBytes(0xffffffff81001000, leafCode.data(), leafCode.size());
    const uint64_t sp = kStackBase + 0x3000, record = sp + 0x40;
    memory.put<uint64_t>(sp, 0xffffffff81001150);         // leaf returns into middle
    memory.put<uint64_t>(record, 0);                      // middle's record: bottom's rbp,
    memory.put<uint64_t>(record + 8, 0xffffffff81001250); // and its return address
    WalkStart start;
    start.regs.ip = 0xffffffff8100100e; // leaf+0xe: rep stosq
    start.regs.sp = sp;
    start.regs.bp = record;
    start.regs.cs = 0x10;
    CodeMap code(symbols, 0, nullptr, {});
    WalkerContext context{memory, code, nullptr, {}};
    auto t = walkStack(context, start, stacks);
    EXPECT_EQ(t.stop.kind, WalkStatus::Complete) << t.stop.text;
    ASSERT_EQ(t.frames.size(), 3u);
    EXPECT_EQ(t.frames[1].pc, 0xffffffff81001150u);
    EXPECT_EQ(t.frames[1].sp, sp + 8);
    EXPECT_EQ(t.frames[1].foundBy, FoundBy::Prologue);
    EXPECT_EQ(t.frames[2].pc, 0xffffffff81001250u);
    EXPECT_EQ(t.frames[2].foundBy, FoundBy::FramePointer);

    // Code that moves the stack pointer without a frame record (push %rbx; sub $8,%rsp; ...):
    // the chain goes on, but the walk does not claim to be complete.
    const std::vector<uint8_t> pushes = {0x53, 0x48, 0x83, 0xec, 0x08, 0x90, 0x48,
                                         0x83, 0xc4, 0x08, 0x5b, 0xc3, 0xcc, 0xcc,
                                         0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc};
    memory.putBytes(0xffffffff81001000, pushes.data(), pushes.size());
    start.regs.ip = 0xffffffff81001005;
    t = walkStack(context, start, stacks);
    EXPECT_EQ(t.stop.kind, WalkStatus::Unreliable);
    EXPECT_EQ(t.stop.text,
              "end of the frame-pointer chain (a frame may be missing: leaf (it changes the stack "
              "pointer without a frame record) has no unwind data, and its code does not say "
              "where its return address is)");
    ASSERT_EQ(t.frames.size(), 2u);
    EXPECT_EQ(t.frames[1].pc, 0xffffffff81001250u);
}

TEST_F(SyntheticStack, ACallThroughANullFunctionPointerContinuesAtItsReturnAddress) {
    expectTheReturnAddressOnTop(0); // the fault at RIP 0
}

TEST_F(SyntheticStack, AtTheFirstInstructionOfCodeWithoutOrcTheReturnAddressIsOnTop) {
    // A CPU stopped at a retpoline thunk's entry (its ORC is UNWIND_HINT_UNDEFINED).
    expectTheReturnAddressOnTop(0xffffffff81002040);
    // One instruction in, the stack may hold anything: no rule, and the scan's guess is marked.
    auto inside = walk(0xffffffff81002041, kStackBase + 0x3000);
    EXPECT_EQ(inside.stop.kind, WalkStatus::Unreliable);
    EXPECT_NE(inside.stop.text.find("ORC has no unwind rule for __x86_indirect_thunk_array"),
              std::string::npos)
        << inside.stop.text;
}

TEST_F(SyntheticStack, WhereTheUnwindDataGivesUpAStackScanFindsTheNextReturnAddress) {
    // leaf's ORC points at garbage; further up lies a return address into bottom, right after
    // a call rel32. The scan takes it, marks it, and the walk counts as unreliable.
    memory.mapZeros(0xffffffff81001000, 0x300); // the functions' code
    const uint64_t sp = kStackBase + 0x3000;
    memory.put<uint64_t>(sp + 8, 0xdeadbeefdeadbeef);
    memory.put<uint64_t>(sp + 0x20, 0xffffffff81001120); // into middle, but not after a call
    memory.put<uint64_t>(sp + 0x40, 0xffffffff81001250); // into bottom, after a call
    memory.put<uint8_t>(0xffffffff81001250 - 5, 0xe8);
    auto t = walk(0xffffffff81001010, sp);
    EXPECT_EQ(t.stop.kind, WalkStatus::Unreliable);
    EXPECT_EQ(t.stop.text,
              "end of stack (frames marked scan are guesses: 0xdeadbeefdeadbeef is not "
              "in kernel text)");
    ASSERT_EQ(t.frames.size(), 3u);
    EXPECT_EQ(t.frames[1].pc, 0xdeadbeefdeadbeefu);
    EXPECT_EQ(t.frames[2].pc, 0xffffffff81001250u);
    EXPECT_EQ(t.frames[2].sp, sp + 0x48);
    EXPECT_EQ(t.frames[2].foundBy, FoundBy::Scan);
    // Other call forms count too: call *%rax (ff d0) and call *%r11 (41 ff d3).
    memory.put<uint8_t>(0xffffffff81001250 - 5, 0);
    memory.put<uint16_t>(0xffffffff81001250 - 2, 0xd0ff);
    EXPECT_EQ(walk(0xffffffff81001010, sp).frames.back().foundBy, FoundBy::Scan);
    memory.put<uint16_t>(0xffffffff81001250 - 2, 0);
    memory.putBytes(0xffffffff81001250 - 3, "\x41\xff\xd3", 3);
    EXPECT_EQ(walk(0xffffffff81001010, sp).frames.back().foundBy, FoundBy::Scan);
    // Nothing that follows a call within the scan's reach: the first reason stands.
    memory.putBytes(0xffffffff81001250 - 3, "\0\0\0", 3);
    t = walk(0xffffffff81001010, sp);
    EXPECT_EQ(t.stop.kind, WalkStatus::Unreliable);
    EXPECT_EQ(t.stop.text, "0xdeadbeefdeadbeef is not in kernel text");
    EXPECT_EQ(t.frames.size(), 2u);
}

TEST(OrcFormat, DecodesEachKernelsLayout) {
    // sp_reg SP(5) bp_reg PREV_SP(1), sp_offset 16, bp_offset -16
    const uint8_t v61[6] = {16, 0, 0xf0, 0xff, 0x15, 0x00}; // type CALL 0
    auto e = decodeOrcEntry(std::span<const uint8_t, 6>(v61), OrcFormat::V6_1);
    EXPECT_EQ(e.type, OrcType::Call);
    EXPECT_EQ(e.spReg, OrcReg::Sp);
    EXPECT_EQ(e.bpReg, OrcReg::PrevSp);
    EXPECT_EQ(e.spOffset, 16);
    EXPECT_EQ(e.bpOffset, -16);
    const uint8_t end61[6] = {0, 0, 0, 0, 0x00, 0x04}; // sp undefined + end bit
    EXPECT_EQ(decodeOrcEntry(std::span<const uint8_t, 6>(end61), OrcFormat::V6_1).type,
              OrcType::EndOfStack);
    const uint8_t regs61[6] = {0, 0, 0x05, 0, 0x05, 0x01}; // REGS 1
    EXPECT_EQ(decodeOrcEntry(std::span<const uint8_t, 6>(regs61), OrcFormat::V6_1).type,
              OrcType::Regs);
    const uint8_t regs64[6] = {0, 0, 0x05, 0, 0x05, 0x0b}; // REGS 3 + signal
    auto r = decodeOrcEntry(std::span<const uint8_t, 6>(regs64), OrcFormat::V6_4);
    EXPECT_EQ(r.type, OrcType::Regs);
    EXPECT_TRUE(r.signal);
    const uint8_t end64[6] = {0, 0, 0, 0, 0x00, 0x01}; // END_OF_STACK 1
    EXPECT_EQ(decodeOrcEntry(std::span<const uint8_t, 6>(end64), OrcFormat::V6_4).type,
              OrcType::EndOfStack);
    EXPECT_EQ(orcFormatForRelease("6.1.0-56-cloud-amd64"), OrcFormat::V6_1);
    EXPECT_EQ(orcFormatForRelease("6.3.13"), OrcFormat::V6_3);
    EXPECT_EQ(orcFormatForRelease("6.12.57+deb12-cloud-amd64"), OrcFormat::V6_4);
    EXPECT_EQ(orcFormatForRelease("7.1.0").error().message,
              "the ORC format of kernel 7.1.0 (registers renumbered in 7.1) is not supported yet");
}

} // namespace
} // namespace panicscope::unwind
