// The entry-call table's lookup and the decoder behind it, on small hand-assembled entry code
// (bytes from GNU as, the assembly beside them; the code sits at 0x1000, C functions at 0x9xxx).
#include "unwind/entry_call_table.h"
#include "unwind/entry_decoder.h"
#include "unwind/entry_stack_switch.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace panicscope::unwind {
namespace {

using entry::DecodedCall;
using entry::DecodeResult;
using entry::EntryFrame;

constexpr uint64_t kBase = 0x1000;

// Code at kBase: pieces at their offsets, int3 padding between them (as the kernel pads).
struct Code {
    std::string bytes;
    void at(size_t offset, std::initializer_list<uint8_t> piece) {
        if (bytes.size() < offset) bytes.resize(offset, '\xcc');
        bytes.resize(offset);
        for (uint8_t b : piece)
            bytes.push_back(static_cast<char>(b));
    }
};

const DecodedCall* callReturningTo(const DecodeResult& r, uint64_t returnAddress) {
    for (const DecodedCall& c : r.calls)
        if (c.returnAddress == returnAddress) return &c;
    return nullptr;
}

std::string problemAt(const DecodeResult& r, uint64_t address) {
    std::string reasons;
    for (const auto& p : r.problems)
        if (p.address == address) reasons += p.reason;
    return reasons;
}

TEST(EntryCallTable, FindsExactReturnAddressesOnly) {
    const EntryCall b{.returnAddress = 0xffffffff81c00e22,
                      .kind = BoundaryKind::Interrupt,
                      .entrySymbol = "asm_common_interrupt",
                      .callee = "common_interrupt"};
    const EntryCall a{.returnAddress = 0xffffffff81c00e09,
                      .ptRegsOffset = -120,
                      .kind = BoundaryKind::Interrupt,
                      .entrySymbol = "asm_common_interrupt",
                      .callee = "error_entry",
                      .fullRegs = false};
    const EntryCall s{.returnAddress = 0xffffffff81a056bd,
                      .kind = BoundaryKind::StackSwitch,
                      .entrySymbol = "common_interrupt",
                      .callee = "__common_interrupt"};
    const EntryCallTable table = EntryCallTable::fromRows({b, s, a});

    ASSERT_EQ(table.rows().size(), 3u);
    EXPECT_EQ(table.rows()[0].returnAddress, s.returnAddress); // sorted
    EXPECT_EQ(table.rows()[2].returnAddress, b.returnAddress);
    const EntryCall* found = table.find(a.returnAddress);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->callee, "error_entry");
    EXPECT_EQ(found->ptRegsOffset, -120);
    EXPECT_FALSE(found->fullRegs);
    EXPECT_EQ(table.find(s.returnAddress)->kind, BoundaryKind::StackSwitch);
    // Only the return address itself: not the call, not a byte after.
    EXPECT_EQ(table.find(a.returnAddress - 1), nullptr);
    EXPECT_EQ(table.find(a.returnAddress + 1), nullptr);
    EXPECT_EQ(table.find(0), nullptr);
    EXPECT_EQ(table.find(~0ull), nullptr);
    EXPECT_TRUE(EntryCallTable::fromRows({}).rows().empty());
    EXPECT_EQ(EntryCallTable::fromRows({}).find(b.returnAddress), nullptr);
}

TEST(EntryCallTable, AlternativesAtOneSiteShareARow) {
    const EntryCall untrain{.returnAddress = 0x1005,
                            .ptRegsOffset = 8,
                            .kind = BoundaryKind::Exception,
                            .entrySymbol = "error_entry",
                            .callee = "entry_untrain_ret"};
    EntryCall alias = untrain;
    alias.callee = "srso_alias_untrain_ret";
    const EntryCallTable table = EntryCallTable::fromRows({untrain, alias, untrain});
    ASSERT_EQ(table.rows().size(), 1u);
    EXPECT_EQ(table.find(0x1005)->callee, "entry_untrain_ret|srso_alias_untrain_ret");
}

// An idtentry without an error code (asm_exc_divide_error in 6.1): `call error_entry` with only
// the hardware frame and orig_ax saved, error_entry's own call with its return address below
// pt_regs, and the C handler called with rsp == pt_regs after `movq %rax, %rsp`, whichever path
// error_entry returned by (pt_regs in place, or sync_regs' copy on the task stack).
TEST(EntryDecoder, IdtEntryThroughErrorEntry) {
    Code code;
    code.at(0x0, {
                     0x6a, 0xff,                   // push $-1
                     0xe8, 0x39, 0x00, 0x00, 0x00, // call error_entry (0x1040)
                     0x48, 0x89, 0xc4,             // mov %rax,%rsp
                     0x48, 0x89, 0xe7,             // mov %rsp,%rdi
                     0xe8, 0xee, 0x7f, 0x00, 0x00, // call 0x9000 (the C handler)
                     0x0f, 0x0b,                   // ud2
                 });
    code.at(0x40, {
                      0x56,                         // push %rsi
                      0x48, 0x8b, 0x74, 0x24, 0x08, // mov 0x8(%rsp),%rsi  (the return address)
                      0x48, 0x89, 0x7c, 0x24, 0x08, // mov %rdi,0x8(%rsp)  (pt_regs.di)
                      0x52,                         // push %rdx
                      0x51,                         // push %rcx
                      0x50,                         // push %rax
                      0x41, 0x50,                   // push %r8
                      0x41, 0x51,                   // push %r9
                      0x41, 0x52,                   // push %r10
                      0x41, 0x53,                   // push %r11
                      0x53,                         // push %rbx
                      0x55,                         // push %rbp
                      0x41, 0x54,                   // push %r12
                      0x41, 0x55,                   // push %r13
                      0x41, 0x56,                   // push %r14
                      0x41, 0x57,                   // push %r15
                      0x56,                         // push %rsi (the return address again)
                      0xf6, 0x84, 0x24, 0x90, 0x00, 0x00, 0x00, 0x03, // testb $3,0x90(%rsp)
                      0x74, 0x0b,                                     // je 0x1076
                      0x48, 0x8d, 0x7c, 0x24, 0x08,                   // lea 0x8(%rsp),%rdi
                      0xe8, 0x8b, 0x80, 0x00, 0x00,                   // call 0x9100 (sync_regs)
                      0xc3,                                           // ret
                      0x48, 0x8d, 0x44, 0x24, 0x08,                   // lea 0x8(%rsp),%rax
                      0xc3,                                           // ret
                  });
    entry::DecoderInput input;
    input.regions = {{kBase, code.bytes}};
    input.entryPoints = {{kBase, BoundaryKind::Exception, EntryFrame::Iret}};
    input.regsReturning = {0x9100};
    const DecodeResult r = entry::decodeEntryCalls(input);

    EXPECT_TRUE(r.problems.empty()) << r.problems.front().reason;
    ASSERT_EQ(r.calls.size(), 3u);
    const DecodedCall* errorEntry = callReturningTo(r, 0x1007);
    ASSERT_NE(errorEntry, nullptr);
    EXPECT_EQ(errorEntry->target, 0x1040u);
    EXPECT_EQ(errorEntry->ptRegsOffset, -120); // rsp at orig_ax
    EXPECT_FALSE(errorEntry->fullRegs);
    EXPECT_EQ(errorEntry->function, kBase);
    const DecodedCall* syncRegs = callReturningTo(r, 0x1075);
    ASSERT_NE(syncRegs, nullptr);
    EXPECT_EQ(syncRegs->ptRegsOffset, 8); // error_entry's return address between
    EXPECT_TRUE(syncRegs->fullRegs);
    EXPECT_EQ(syncRegs->function, 0x1040u);
    EXPECT_EQ(syncRegs->kind, BoundaryKind::Exception);
    const DecodedCall* handler = callReturningTo(r, 0x1012);
    ASSERT_NE(handler, nullptr);
    EXPECT_EQ(handler->target, 0x9000u);
    EXPECT_EQ(handler->ptRegsOffset, 0);
    EXPECT_TRUE(handler->fullRegs);
}

// Several entry points in one piece of code (offsets from 0x1000 in the comments).
class EntryDecoderCases : public ::testing::Test {
  protected:
    void SetUp() override {
        // A syscall: rsp is the user's until it loads the task stack's top and builds pt_regs
        // there by hand; an alternative may patch `call 0x9300` over the nops.
        code.at(0x0,
                {
                    0xe8, 0xfb, 0x81, 0x00, 0x00, // call 0x9200 (rsp still the user's)
                    0x65, 0x48, 0x89, 0x24, 0x25, 0x14, 0x60, 0x00, 0x00, // mov %rsp,%gs:0x6014
                    0x65, 0x48, 0x8b, 0x24, 0x25, 0x50, 0xfb, 0x01, 0x00, // mov %gs:0x1fb50,%rsp
                    0x6a, 0x2b,                                           // push $0x2b (ss)
                    0x65, 0xff, 0x34, 0x25, 0x14, 0x60, 0x00, 0x00,       // push %gs:0x6014 (sp)
                    0x41, 0x53,                                           // push %r11 (flags)
                    0x6a, 0x33,                                           // push $0x33 (cs)
                    0x51,                                                 // push %rcx (ip)
                    0x50,                                                 // push %rax
                    0x57,                                                 // push %rdi
                    0x56,                                                 // push %rsi
                    0x52,                                                 // push %rdx
                    0x51,                                                 // push %rcx
                    0x6a, 0xda,                                           // push $-38
                    0x41, 0x50,                                           // push %r8
                    0x41, 0x51,                                           // push %r9
                    0x41, 0x52,                                           // push %r10
                    0x41, 0x53,                                           // push %r11
                    0x53,                                                 // push %rbx
                    0x55,                                                 // push %rbp
                    0x41, 0x54,                                           // push %r12
                    0x41, 0x55,                                           // push %r13
                    0x41, 0x56,                                           // push %r14
                    0x41, 0x57,                                           // push %r15
                    0x48, 0x89, 0xe7,                                     // mov %rsp,%rdi
                    0x0f, 0x1f, 0x44, 0x00, 0x00, // 0x42: nopl 0x0(%rax,%rax,1)
                    0xe8, 0xb4, 0x83, 0x00, 0x00, // call 0x9400
                    0x0f, 0x0b,                   // ud2
                });
        // int3 from kernel mode copies its frame 48 bytes down (the call-emulation gap): both
        // paths reach the call with rsp at the orig_ax of the frame the handler will get.
        code.at(0x100, {
                           0x6a, 0xff,                   // push $-1
                           0xf6, 0x44, 0x24, 0x10, 0x03, // testb $0x3,0x10(%rsp)
                           0x75, 0x18,                   // jne 0x1121
                           0xff, 0x74, 0x24, 0x28,       // push 0x28(%rsp)
                           0xff, 0x74, 0x24, 0x28,       // push 0x28(%rsp)
                           0xff, 0x74, 0x24, 0x28,       // push 0x28(%rsp)
                           0xff, 0x74, 0x24, 0x28,       // push 0x28(%rsp)
                           0xff, 0x74, 0x24, 0x28,       // push 0x28(%rsp)
                           0xff, 0x74, 0x24, 0x28,       // push 0x28(%rsp)
                           0xe8, 0xda, 0x83, 0x00, 0x00, // 0x121: call 0x9500
                           0x0f, 0x0b,                   // ud2
                       });
        // Paths meeting at a call with different stack depths.
        code.at(0x180, {
                           0xf6, 0x44, 0x24, 0x08, 0x03, // testb $0x3,0x8(%rsp)
                           0x75, 0x01,                   // jne 0x1188
                           0x50,                         // push %rax
                           0xe8, 0x73, 0x84, 0x00, 0x00, // 0x188: call 0x9600
                           0x0f, 0x0b,                   // ud2
                       });
        // An entry calling an ordinary function (it returns with the stack as it found it).
        code.at(0x200, {
                           0x6a, 0xff,                   // push $-1
                           0xe8, 0x39, 0x00, 0x00, 0x00, // call 0x1240
                           0x0f, 0x0b,                   // ud2
                       });
        code.at(0x240, {
                           0x55,                         // push %rbp
                           0x48, 0x89, 0xe5,             // mov %rsp,%rbp
                           0xe8, 0xb7, 0x84, 0x00, 0x00, // 0x244: call 0x9700
                           0x5d,                         // pop %rbp
                           0xc3,                         // ret
                       });
        // A call no entry point reaches.
        code.at(0x280, {
                           0xe8, 0x7b, 0x85, 0x00, 0x00, // call 0x9800
                           0x0f, 0x0b,                   // ud2
                       });
        // NMI from user mode: copies the hardware frame through %rdx to the task stack.
        code.at(0x2c0,
                {
                    0x52,                                                 // push %rdx
                    0x48, 0x89, 0xe2,                                     // mov %rsp,%rdx
                    0x65, 0x48, 0x8b, 0x24, 0x25, 0x50, 0xfb, 0x01, 0x00, // mov %gs:0x1fb50,%rsp
                    0xff, 0x72, 0x28,                                     // push 0x28(%rdx) (ss)
                    0xff, 0x72, 0x20,                                     // push 0x20(%rdx) (sp)
                    0xff, 0x72, 0x18,                                     // push 0x18(%rdx) (flags)
                    0xff, 0x72, 0x10,                                     // push 0x10(%rdx) (cs)
                    0xff, 0x72, 0x08,                                     // push 0x8(%rdx) (ip)
                    0x6a, 0xff,                                           // push $-1
                    0xe8, 0x1d, 0x86, 0x00, 0x00,                         // 0x2de: call 0x9900
                    0x0f, 0x0b,                                           // ud2
                });
        input.regions = {{kBase, code.bytes}};
        input.entryPoints = {
            {kBase, BoundaryKind::Syscall, EntryFrame::None},
            {kBase + 0x100, BoundaryKind::Exception, EntryFrame::Iret},
            {kBase + 0x180, BoundaryKind::Exception, EntryFrame::Iret},
            {kBase + 0x200, BoundaryKind::Exception, EntryFrame::Iret},
            {kBase + 0x2c0, BoundaryKind::Nmi, EntryFrame::Iret},
        };
        input.patchSites = {{kBase + 0x42, 5, 0x5000, replacement}};
        result = entry::decodeEntryCalls(input);
    }

    Code code;
    // At 0x5000: call 0x9300.
    const std::string replacement = std::string("\xe8\xfb\x42\x00\x00", 5);
    entry::DecoderInput input;
    DecodeResult result;
};

TEST_F(EntryDecoderCases, SyscallBuildsItsFrameAtTheStackTop) {
    const DecodedCall* c = callReturningTo(result, 0x104c);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->ptRegsOffset, 0);
    EXPECT_TRUE(c->fullRegs);
    EXPECT_EQ(c->kind, BoundaryKind::Syscall);
    EXPECT_FALSE(c->patched);
    EXPECT_EQ(problemAt(result, 0x1000), "the stack pointer is not known at this call");
}

TEST_F(EntryDecoderCases, CallsAnAlternativePatchesIn) {
    const DecodedCall* c = callReturningTo(result, 0x1047);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->target, 0x9300u);
    EXPECT_EQ(c->callAddress, 0x1042u);
    EXPECT_EQ(c->ptRegsOffset, 0);
    EXPECT_TRUE(c->patched);
}

TEST_F(EntryDecoderCases, Int3GapCopyBecomesThePtRegs) {
    const DecodedCall* c = callReturningTo(result, 0x1126);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->ptRegsOffset, -120);
    EXPECT_FALSE(c->fullRegs);
    EXPECT_EQ(problemAt(result, 0x1121), "");
}

TEST_F(EntryDecoderCases, FlagsWhatItCannotTrack) {
    EXPECT_EQ(callReturningTo(result, 0x118d), nullptr);
    EXPECT_NE(problemAt(result, 0x1188).find("different stack depths"), std::string::npos);
    EXPECT_EQ(problemAt(result, 0x1280), "no entry point reaches this call");
}

TEST_F(EntryDecoderCases, OrdinaryFunctionsGetNoRows) {
    const DecodedCall* call = callReturningTo(result, 0x1207);
    ASSERT_NE(call, nullptr);
    EXPECT_EQ(call->target, 0x1240u);
    EXPECT_EQ(call->ptRegsOffset, -120);
    EXPECT_EQ(callReturningTo(result, 0x1249), nullptr);
    EXPECT_EQ(problemAt(result, 0x1244), entry::kOrdinaryFunction);
}

TEST_F(EntryDecoderCases, NmiCopiesItsFrameToAnotherStack) {
    const DecodedCall* c = callReturningTo(result, 0x12e3);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->ptRegsOffset, -120);
    EXPECT_FALSE(c->fullRegs);
    EXPECT_EQ(c->kind, BoundaryKind::Nmi);
}

// call_on_stack (irq_stack.h): every call between the switch and `popq %rsp` finds the old stack
// pointer at the top of the IRQ stack; a switch whose calls move rsp again gives nothing.
TEST(EntryStackSwitch, FindsTheCallsBetweenSwitchAndPop) {
    Code code;
    code.at(0x0, {
                     0x65, 0x4c, 0x8b, 0x1c, 0x25, 0x48, 0xfb, 0x01, 0x00, // mov %gs:0x1fb48,%r11
                     0x49, 0x89, 0x23,                                     // mov %rsp,(%r11)
                     0x4c, 0x89, 0xdc,                                     // mov %r11,%rsp
                     0xe8, 0xec, 0x7f, 0x00, 0x00,                         // call 0x9000
                     0x48, 0x89, 0xdf,                                     // mov %rbx,%rdi
                     0xe8, 0xe4, 0x80, 0x00, 0x00,                         // call 0x9100
                     0x5c,                                                 // pop %rsp
                     0xc3,                                                 // ret
                 });
    code.at(0x40, {
                      0x49, 0x89, 0x23,             // mov %rsp,(%r11)
                      0x4c, 0x89, 0xdc,             // mov %r11,%rsp
                      0xe8, 0xb5, 0x7f, 0x00, 0x00, // call 0x9000
                      0x48, 0x89, 0xc4,             // mov %rax,%rsp
                      0x5c,                         // pop %rsp
                      0xc3,                         // ret
                  });
    const auto calls = entry::findStackSwitchCalls(code.bytes, kBase);
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].returnAddress, 0x1014u);
    EXPECT_EQ(calls[0].target, 0x9000u);
    EXPECT_EQ(calls[0].savedSpOffset, 0);
    EXPECT_EQ(calls[1].returnAddress, 0x101cu);
    EXPECT_EQ(calls[1].target, 0x9100u);
    EXPECT_EQ(calls[1].savedSpOffset, 0);
}

// The scan tests 16 positions at a time: a switch is found wherever it starts, across the lanes
// and at the very ends of the text.
TEST(EntryStackSwitch, FindsASwitchAtEveryOffset) {
    const std::initializer_list<uint8_t> kSwitch = {
        0x49, 0x89, 0x23,             // mov %rsp,(%r11)
        0x4c, 0x89, 0xdc,             // mov %r11,%rsp
        0xe8, 0x00, 0x00, 0x00, 0x00, // call (the next instruction)
        0x5c,                         // pop %rsp
    };
    for (size_t offset = 0; offset < 40; ++offset) {
        for (size_t tail : {size_t(0), size_t(1), size_t(17)}) {
            Code code;
            code.at(offset, kSwitch);
            code.bytes.append(tail, '\xcc');
            const auto calls = entry::findStackSwitchCalls(code.bytes, kBase);
            ASSERT_EQ(calls.size(), 1u) << "switch at " << offset << ", " << tail << " bytes after";
            EXPECT_EQ(calls[0].returnAddress, kBase + offset + 11);
        }
    }
}

} // namespace
} // namespace panicscope::unwind

namespace panicscope::unwind {
namespace {

TEST(EntryCallTableCodec, RoundTripsAndRejectsEveryTruncation) {
    EntryCall a;
    a.returnAddress = 0xffffffff81c00100;
    a.ptRegsOffset = -120;
    a.fullRegs = false;
    a.kind = BoundaryKind::Exception;
    a.entrySymbol = "asm_exc_page_fault";
    a.callee = "error_entry";
    EntryCall b;
    b.returnAddress = 0xffffffff81c00200;
    b.previousSpOffset = 8;
    b.kind = BoundaryKind::StackSwitch;
    b.entrySymbol = "call_on_irq_stack";
    const auto table = EntryCallTable::fromRows({b, a});
    const std::string bytes = table.encode();
    auto back = EntryCallTable::decode(bytes);
    ASSERT_TRUE(back);
    ASSERT_EQ(back->rows().size(), 2u);
    EXPECT_EQ(back->rows()[0].entrySymbol, "asm_exc_page_fault");
    EXPECT_EQ(back->rows()[0].ptRegsOffset, -120);
    EXPECT_FALSE(back->rows()[0].fullRegs);
    EXPECT_EQ(back->rows()[1].kind, BoundaryKind::StackSwitch);
    EXPECT_EQ(back->rows()[1].previousSpOffset, 8);
    EXPECT_EQ(back->encode(), bytes);
    for (size_t n = 0; n < bytes.size(); ++n)
        EXPECT_FALSE(EntryCallTable::decode(std::string_view(bytes).substr(0, n))) << n;
    EXPECT_FALSE(EntryCallTable::decode(bytes + "x"));
}

} // namespace
} // namespace panicscope::unwind
