// The stack depth a function's code gives at an address, on the shapes the walker meets where ORC
// has no rule: kdump's __crash_kexec (a frame set up by push and sub, and crash_setup_regs()'s
// pushf/pop and _THIS_IP_ on a branch that jumps back), a frame-pointer frame, rbp used as a
// scratch register, and code it must refuse to guess about. Bytes assembled with GNU as from the
// instructions in each comment.
#include "unwind/stack_depth.h"

#include <gtest/gtest.h>

namespace panicscope::unwind {
namespace {

constexpr uint64_t kStart = 0xffffffff81164640;

std::string bytes(std::initializer_list<uint8_t> b) {
    return std::string(b.begin(), b.end());
}

void expectDepth(const StackDepth& d, uint64_t returnOffset,
                 std::optional<int64_t> callerBp = std::nullopt) {
    ASSERT_TRUE(d.known) << d.why;
    EXPECT_EQ(d.returnOffset, returnOffset);
    EXPECT_EQ(d.callerBpAtCfa, callerBp);
}

// 0: push %rbx; 1: sub $0x20,%rsp; 5: test %rdi,%rdi; 8: je 0x15; a: call (away);
// f: add $0x20,%rsp; 13: pop %rbx; 14: ret; 15: pushf; 16: pop 0x10(%rsp);
// 1a: lea 0(%rip),%rax; 21: mov %rax,8(%rsp); 26: jmp 0xa
const std::string kCrashKexecShape =
    bytes({0x53, 0x48, 0x83, 0xec, 0x20, 0x48, 0x85, 0xff, 0x74, 0x0b, 0xe8, 0xf1, 0x0f, 0x00,
           0x00, 0x48, 0x83, 0xc4, 0x20, 0x5b, 0xc3, 0x9c, 0x8f, 0x44, 0x24, 0x10, 0x48, 0x8d,
           0x05, 0x00, 0x00, 0x00, 0x00, 0x48, 0x89, 0x44, 0x24, 0x08, 0xeb, 0xe2});

TEST(StackDepth, FollowsEveryPathFromTheEntry) {
    expectDepth(stackDepthAt(kCrashKexecShape, kStart, kStart), 0);
    expectDepth(stackDepthAt(kCrashKexecShape, kStart, kStart + 1), 8);
    expectDepth(stackDepthAt(kCrashKexecShape, kStart, kStart + 5), 0x28);
    // The saved _THIS_IP_: after pushf and its pop, on the branch that jumps back.
    expectDepth(stackDepthAt(kCrashKexecShape, kStart, kStart + 0x16), 0x30);
    expectDepth(stackDepthAt(kCrashKexecShape, kStart, kStart + 0x21), 0x28);
    // A return address: the call balanced the stack.
    expectDepth(stackDepthAt(kCrashKexecShape, kStart, kStart + 0xf), 0x28);
    expectDepth(stackDepthAt(kCrashKexecShape, kStart, kStart + 0x14), 0); // at the ret
}

TEST(StackDepth, AFramePointerFrameKeepsTheCallersRbpInItsSlot) {
    // 0: push %rbp; 1: mov %rsp,%rbp; 4: push %rbx; 5: sub $0x10,%rsp; 9: call 0; e: nop;
    // f: lea -8(%rbp),%rsp; 13: pop %rbx; 14: pop %rbp; 15: ret
    const std::string code =
        bytes({0x55, 0x48, 0x89, 0xe5, 0x53, 0x48, 0x83, 0xec, 0x10, 0xe8, 0xf2,
               0xff, 0xff, 0xff, 0x90, 0x48, 0x8d, 0x65, 0xf8, 0x5b, 0x5d, 0xc3});
    expectDepth(stackDepthAt(code, kStart, kStart + 1), 8); // pushed, rbp still the caller's
    expectDepth(stackDepthAt(code, kStart, kStart + 4), 8, -16);
    expectDepth(stackDepthAt(code, kStart, kStart + 0xe), 0x20, -16);
    expectDepth(stackDepthAt(code, kStart, kStart + 0x13), 0x10, -16); // sp back from rbp
    expectDepth(stackDepthAt(code, kStart, kStart + 0x15), 0);         // popped: the caller's
}

TEST(StackDepth, RbpAsAScratchRegisterAfterSavingIt) {
    // 0: push %rbp; 1: mov %rdi,%rbp; 4: nop; 5: pop %rbp; 6: ret
    const std::string code = bytes({0x55, 0x48, 0x89, 0xfd, 0x90, 0x5d, 0xc3});
    expectDepth(stackDepthAt(code, kStart, kStart + 4), 8, -16);
    expectDepth(stackDepthAt(code, kStart, kStart + 6), 0);
}

TEST(StackDepth, ARetpolineThunksCallIntoItselfPushesAndJumps) {
    // 6.12's thunk (objdump of __x86_indirect_thunk_array), under UNWIND_HINT_UNDEFINED until
    // its ret: 0: call 6; 5: int3; 6: mov %rax,(%rsp); a: jmp __x86_return_thunk (away)
    const std::string thunk612 = bytes(
        {0xe8, 0x01, 0x00, 0x00, 0x00, 0xcc, 0x48, 0x89, 0x04, 0x24, 0xe9, 0x41, 0x0c, 0x00, 0x00});
    expectDepth(stackDepthAt(thunk612, kStart, kStart), 0);
    // The intra-function call's return address lies above the caller's.
    expectDepth(stackDepthAt(thunk612, kStart, kStart + 6), 8);
    expectDepth(stackDepthAt(thunk612, kStart, kStart + 0xa), 8);
    // Nothing returns to the int3.
    EXPECT_EQ(stackDepthAt(thunk612, kStart, kStart + 5).why,
              "0xffffffff81164645 is not reached from the function's entry");
    // 6.1's, with its speculation trap: 0: call c; 5: pause; 7: lfence; a: jmp 5;
    // c: mov %rax,(%rsp); 10: ret
    const std::string thunk61 = bytes({0xe8, 0x07, 0x00, 0x00, 0x00, 0xf3, 0x90, 0x0f, 0xae, 0xe8,
                                       0xeb, 0xf9, 0x48, 0x89, 0x04, 0x24, 0xc3});
    expectDepth(stackDepthAt(thunk61, kStart, kStart + 0xc), 8);
    expectDepth(stackDepthAt(thunk61, kStart, kStart + 0x10), 8);
    EXPECT_FALSE(stackDepthAt(thunk61, kStart, kStart + 7).known);
}

TEST(StackDepth, RefusesWhatItCannotFollow) {
    // Paths that disagree: 0: push %rbx; 1: test %rdi,%rdi; 4: je 7; 6: push %rax; 7: nop; 8: ret
    const std::string disagree = bytes({0x53, 0x48, 0x85, 0xff, 0x74, 0x01, 0x50, 0x90, 0xc3});
    const StackDepth d = stackDepthAt(disagree, kStart, kStart + 1);
    EXPECT_FALSE(d.known);
    EXPECT_EQ(d.why, "paths reach 0xffffffff81164647 with different stack states");
    // Realignment: 0: push %rbx; 1: and $-16,%rsp; 5: nop; 6: ret
    const std::string realigned = bytes({0x53, 0x48, 0x83, 0xe4, 0xf0, 0x90, 0xc3});
    const StackDepth r = stackDepthAt(realigned, kStart, kStart + 5);
    EXPECT_FALSE(r.known);
    EXPECT_EQ(r.why, "the stack pointer changes at 0xffffffff81164641 in a way this does not "
                     "follow");
    // rbp changed without being saved: where the caller's is, is not known.
    // 0: mov %rdi,%rbp; 3: nop; 4: ret
    const std::string lost = bytes({0x48, 0x89, 0xfd, 0x90, 0xc3});
    EXPECT_FALSE(stackDepthAt(lost, kStart, kStart + 3).known);
    // Not reached from the entry, not an instruction boundary, outside the function.
    EXPECT_EQ(stackDepthAt(kCrashKexecShape, kStart, kStart + 0x27).why,
              "0xffffffff81164667 is not reached from the function's entry");
    EXPECT_FALSE(stackDepthAt(kCrashKexecShape, kStart, kStart + 0x40).known);
    // Bytes that do not decode.
    EXPECT_FALSE(stackDepthAt(bytes({0x53, 0x06}), kStart, kStart + 1).known);
}

} // namespace
} // namespace panicscope::unwind
