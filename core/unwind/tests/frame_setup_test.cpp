// What an interrupted function's code says about where its return address is, on the shapes of
// code a frame-pointer kernel has without CFI: a frameless leaf, a frame record being built or
// torn down, and stack changes it cannot follow.
#include "unwind/frame_setup.h"

#include <gtest/gtest.h>

namespace panicscope::unwind {
namespace {

constexpr uint64_t kStart = 0xffffffff81a00000;

std::string_view bytes(std::initializer_list<uint8_t> b, std::string& storage) {
    storage.assign(b.begin(), b.end());
    return storage;
}

void expectReturnAt(const FrameSetup& s, uint64_t offset, bool bpAtSp = false) {
    EXPECT_EQ(s.kind, FrameSetup::Kind::ReturnAddress) << s.why;
    EXPECT_EQ(s.returnOffset, offset);
    EXPECT_EQ(s.bpAtSp, bpAtSp);
}

TEST(FrameSetup, AFramelessLeafHasItsReturnAddressOnTopEverywhere) {
    // clear_user_rep_good as 6.1 assembles it: cmp $0x40,%rcx; jb (away); mov %ecx,%edx;
    // shr $3,%rcx; je +3; rep stosq; and $7,%edx; je +4; mov %edx,%ecx; rep stosb; xor %eax,%eax;
    // ret
    std::string s;
    const auto code = bytes({0x48, 0x83, 0xf9, 0x40, 0x72, 0xaa, 0x89, 0xca, 0x48, 0xc1,
                             0xe9, 0x03, 0x74, 0x03, 0xf3, 0x48, 0xab, 0x83, 0xe2, 0x07,
                             0x74, 0x04, 0x89, 0xd1, 0xf3, 0xaa, 0x31, 0xc0, 0xc3},
                            s);
    for (uint64_t offset : {0x0, 0x4, 0xe, 0x18, 0x1c})
        expectReturnAt(frameSetupAt(code, kStart, kStart + offset), 0);
}

TEST(FrameSetup, ARetpolineThunkAfterItsCallIntoItselfHasTwoReturnAddresses) {
    // 6.1's thunk: 0: call c; 5: pause; 7: lfence; a: jmp 5; c: mov %rax,(%rsp); 10: ret.
    // Past the call the caller's return address is under the one it pushed.
    std::string s;
    const auto code = bytes({0xe8, 0x07, 0x00, 0x00, 0x00, 0xf3, 0x90, 0x0f, 0xae, 0xe8, 0xeb, 0xf9,
                             0x48, 0x89, 0x04, 0x24, 0xc3},
                            s);
    expectReturnAt(frameSetupAt(code, kStart, kStart), 0);
    expectReturnAt(frameSetupAt(code, kStart, kStart + 0xc), 8);
    expectReturnAt(frameSetupAt(code, kStart, kStart + 0x10), 0); // at the ret: its own rule
    // The speculation trap is never reached.
    EXPECT_EQ(frameSetupAt(code, kStart, kStart + 5).kind, FrameSetup::Kind::Unknown);
}

TEST(FrameSetup, AFrameRecordIsBuiltAfterPushAndMov) {
    // endbr64; push %rbp; mov %rsp,%rbp; push %rbx; call (rel32); pop %rbx; pop %rbp; ret
    std::string s;
    const auto code = bytes({0xf3, 0x0f, 0x1e, 0xfa, 0x55, 0x48, 0x89, 0xe5, 0x53, 0xe8, 0x00, 0x00,
                             0x00, 0x00, 0x5b, 0x5d, 0xc3},
                            s);
    expectReturnAt(frameSetupAt(code, kStart, kStart), 0);           // endbr64: nothing ran
    expectReturnAt(frameSetupAt(code, kStart, kStart + 4), 0);       // at the push
    expectReturnAt(frameSetupAt(code, kStart, kStart + 5), 8, true); // pushed, not moved
    EXPECT_EQ(frameSetupAt(code, kStart, kStart + 8).kind, FrameSetup::Kind::Built);
    EXPECT_EQ(frameSetupAt(code, kStart, kStart + 0xe).kind, FrameSetup::Kind::Built);
    expectReturnAt(frameSetupAt(code, kStart, kStart + 0x10), 0); // popped %rbp: at the ret
}

TEST(FrameSetup, StackChangesWithoutAFrameRecordAreUnknown) {
    // push %rbx; sub $8,%rsp; nop; add $8,%rsp; pop %rbx; ret
    std::string s;
    const auto code =
        bytes({0x53, 0x48, 0x83, 0xec, 0x08, 0x90, 0x48, 0x83, 0xc4, 0x08, 0x5b, 0xc3}, s);
    const FrameSetup inside = frameSetupAt(code, kStart, kStart + 5);
    EXPECT_EQ(inside.kind, FrameSetup::Kind::Unknown);
    EXPECT_EQ(inside.why, "it changes the stack pointer without a frame record");
    expectReturnAt(frameSetupAt(code, kStart, kStart + 0xb), 0); // a ret: the top is the address
    // rbp used as a scratch register: the caller's rbp is not known to be there any more.
    const auto scratch = bytes({0x48, 0x31, 0xed, 0x90, 0xc3}, s); // xor %rbp,%rbp; nop; ret
    EXPECT_EQ(frameSetupAt(scratch, kStart, kStart + 3).kind, FrameSetup::Kind::Unknown);
}

TEST(FrameSetup, BadCodeOrAPcBetweenInstructionsIsUnknown) {
    std::string s;
    const auto code = bytes({0x48, 0x83, 0xf9, 0x40, 0xc3}, s); // cmp $0x40,%rcx; ret
    EXPECT_EQ(frameSetupAt(code, kStart, kStart + 2).why,
              "0xffffffff81a00002 is not on an instruction boundary");
    EXPECT_EQ(frameSetupAt(code, kStart, kStart + 5).why, "pc is outside the function");
    const auto bad = bytes({0x90, 0x06}, s); // nop, then push %es: invalid in 64-bit mode
    EXPECT_EQ(frameSetupAt(bad, kStart, kStart + 1).why,
              "no instruction decodes at 0xffffffff81a00001");
}

} // namespace
} // namespace panicscope::unwind
