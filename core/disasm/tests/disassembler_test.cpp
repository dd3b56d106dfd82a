// The user-facing disassembler on hand-assembled bytes (GNU as; objdump's text beside them):
// the exact AT&T text Capstone gives, the bytes, direct targets and the branch kinds.
#include "disasm/disassembler.h"

#include <gtest/gtest.h>

#include <vector>

namespace panicscope::disasm {
namespace {

constexpr uint64_t kText = 0xffffffff81000000;

Disassembler make() {
    auto dis = Disassembler::create();
    EXPECT_TRUE(dis.has_value()) << dis.error().message;
    return std::move(*dis);
}

Instruction one(const std::vector<uint8_t>& bytes, uint64_t address = kText) {
    auto dis = make();
    auto insn = dis.decodeOne(bytes, address);
    EXPECT_TRUE(insn.has_value());
    return insn.value_or(Instruction{});
}

// Only the text and the bytes: for instructions that neither branch nor return.
void expectPlain(const Instruction& insn, const char* mnemonic, const char* operands,
                 const std::vector<uint8_t>& bytes) {
    EXPECT_EQ(insn.mnemonic, mnemonic);
    EXPECT_EQ(insn.operands, operands);
    EXPECT_EQ(insn.bytes, bytes);
    EXPECT_FALSE(insn.target.has_value());
    EXPECT_FALSE(insn.isCall);
    EXPECT_FALSE(insn.isJump);
    EXPECT_FALSE(insn.isReturn);
}

TEST(Disassembler, PrologueInAttSyntax) {
    const Instruction push = one({0x55}); // push %rbp
    EXPECT_EQ(push.address, kText);
    expectPlain(push, "pushq", "%rbp", {0x55});
    expectPlain(one({0x48, 0x89, 0xe5}), "movq", "%rsp, %rbp", {0x48, 0x89, 0xe5}); // mov %rsp,%rbp
}

// Capstone prints small immediates and displacements in decimal, larger ones in hex.
TEST(Disassembler, ImmediatesSegmentsAndMemory) {
    expectPlain(one({0x48, 0x83, 0xec, 0x08}), "subq", "$8, %rsp",
                {0x48, 0x83, 0xec, 0x08}); // sub $0x8,%rsp
    expectPlain(one({0x48, 0x81, 0xec, 0x00, 0x01, 0x00, 0x00}), "subq", "$0x100, %rsp",
                {0x48, 0x81, 0xec, 0x00, 0x01, 0x00, 0x00}); // sub $0x100,%rsp
    const std::vector<uint8_t> gsLoad = {0x65, 0x48, 0x8b, 0x04, 0x25, 0x10, 0x00, 0x00, 0x00};
    expectPlain(one(gsLoad), "movq", "%gs:0x10, %rax", gsLoad); // mov %gs:0x10,%rax
    expectPlain(one({0x48, 0x8d, 0x44, 0x24, 0x08}), "leaq", "8(%rsp), %rax",
                {0x48, 0x8d, 0x44, 0x24, 0x08}); // lea 0x8(%rsp),%rax
    expectPlain(one({0x0f, 0x1f, 0x44, 0x00, 0x00}), "nopl", "(%rax, %rax)",
                {0x0f, 0x1f, 0x44, 0x00, 0x00}); // nopl 0x0(%rax,%rax,1)
}

TEST(Disassembler, DirectCallHasItsTarget) {
    // call 0xffffffff81000000, at 0xffffffff81000010: rel32 = 0 - 0x15
    const Instruction call = one({0xe8, 0xeb, 0xff, 0xff, 0xff}, kText + 0x10);
    EXPECT_EQ(call.mnemonic, "callq");
    EXPECT_EQ(call.operands, "0xffffffff81000000");
    EXPECT_EQ(call.bytes, (std::vector<uint8_t>{0xe8, 0xeb, 0xff, 0xff, 0xff}));
    EXPECT_EQ(call.target, kText);
    EXPECT_TRUE(call.isCall);
    EXPECT_FALSE(call.isJump);
    EXPECT_FALSE(call.isReturn);
}

TEST(Disassembler, IndirectCallAndJumpHaveNoTarget) {
    const Instruction call = one({0xff, 0xd0}); // call *%rax
    EXPECT_EQ(call.mnemonic, "callq");
    EXPECT_EQ(call.operands, "*%rax");
    EXPECT_TRUE(call.isCall);
    EXPECT_FALSE(call.isJump);
    EXPECT_FALSE(call.target.has_value());

    const Instruction jmp = one({0xff, 0x25, 0x10, 0x00, 0x00, 0x00}); // jmp *0x10(%rip)
    EXPECT_EQ(jmp.mnemonic, "jmpq");
    EXPECT_EQ(jmp.operands, "*0x10(%rip)");
    EXPECT_TRUE(jmp.isJump);
    EXPECT_FALSE(jmp.isCall);
    EXPECT_FALSE(jmp.target.has_value());
}

TEST(Disassembler, JumpsConditionalOrNotHaveTargets) {
    const Instruction je = one({0x74, 0x05}, 0x1000); // je 0x1007
    EXPECT_EQ(je.mnemonic, "je");
    EXPECT_EQ(je.operands, "0x1007");
    EXPECT_EQ(je.target, 0x1007u);
    EXPECT_TRUE(je.isJump);
    EXPECT_FALSE(je.isCall);

    const Instruction jne = one({0x0f, 0x85, 0x10, 0x00, 0x00, 0x00}, 0x1000); // jne 0x1016
    EXPECT_EQ(jne.mnemonic, "jne");
    EXPECT_EQ(jne.target, 0x1016u);
    EXPECT_TRUE(jne.isJump);

    const Instruction jmp = one({0xe9, 0x00, 0x00, 0x00, 0x00}, 0x1000); // jmp 0x1005
    EXPECT_EQ(jmp.mnemonic, "jmp");
    EXPECT_EQ(jmp.operands, "0x1005");
    EXPECT_EQ(jmp.target, 0x1005u);
    EXPECT_TRUE(jmp.isJump);

    // Capstone 4 leaves loop out of its jump group; it still is one.
    const Instruction loop = one({0xe2, 0xfe}, 0x1000); // loop 0x1000
    EXPECT_EQ(loop.mnemonic, "loop");
    EXPECT_EQ(loop.target, 0x1000u);
    EXPECT_TRUE(loop.isJump);
    EXPECT_FALSE(loop.isCall);
}

TEST(Disassembler, ReturnsAndStops) {
    const Instruction ret = one({0xc3}); // ret
    EXPECT_EQ(ret.mnemonic, "retq");
    EXPECT_EQ(ret.operands, "");
    EXPECT_TRUE(ret.isReturn);
    EXPECT_FALSE(ret.isJump);
    EXPECT_FALSE(ret.target.has_value());

    expectPlain(one({0x0f, 0x0b}), "ud2", "", {0x0f, 0x0b});   // ud2
    expectPlain(one({0x48, 0xcf}), "iretq", "", {0x48, 0xcf}); // iretq: not a return
}

TEST(Disassembler, DecodesConsecutivelyUpToMaxCount) {
    const std::vector<uint8_t> code = {
        0x55,                         // push %rbp
        0x48, 0x89, 0xe5,             // mov %rsp,%rbp
        0xe8, 0x00, 0x00, 0x00, 0x00, // call (the next instruction)
        0x5d,                         // pop %rbp
        0xc3,                         // ret
    };
    auto dis = make();
    const auto all = dis.decode(code, kText, 100);
    ASSERT_EQ(all.size(), 5u);
    const uint64_t addresses[] = {kText, kText + 1, kText + 4, kText + 9, kText + 10};
    const char* mnemonics[] = {"pushq", "movq", "callq", "popq", "retq"};
    for (size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(all[i].address, addresses[i]);
        EXPECT_EQ(all[i].mnemonic, mnemonics[i]);
    }
    EXPECT_EQ(all[2].target, kText + 9);

    const auto two = dis.decode(code, kText, 2);
    ASSERT_EQ(two.size(), 2u);
    EXPECT_EQ(two[1].operands, "%rsp, %rbp");
    EXPECT_TRUE(dis.decode(code, kText, 0).empty());
}

TEST(Disassembler, StopsAtTheFirstUndecodableByte) {
    auto dis = make();
    // push %rbp, then a call cut off after one byte of its rel32
    const std::vector<uint8_t> truncated = {0x55, 0xe8, 0x01};
    const auto head = dis.decode(truncated, 0x1000, 10);
    ASSERT_EQ(head.size(), 1u);
    EXPECT_EQ(head[0].mnemonic, "pushq");
    EXPECT_FALSE(dis.decodeOne(std::span(truncated).subspan(1), 0x1001).has_value());

    // 0x06 (push %es) does not exist in 64-bit mode: nothing after it is decoded either.
    const std::vector<uint8_t> bad = {0x55, 0x06, 0xc3};
    const auto beforeBad = dis.decode(bad, 0x1000, 10);
    ASSERT_EQ(beforeBad.size(), 1u);
    EXPECT_EQ(beforeBad[0].bytes, (std::vector<uint8_t>{0x55}));
}

TEST(Disassembler, GarbageAndEmptyInputGiveNothing) {
    auto dis = make();
    const std::vector<uint8_t> garbage = {0xff, 0xff, 0xff, 0xff};
    EXPECT_FALSE(dis.decodeOne(garbage, 0x1000).has_value());
    EXPECT_TRUE(dis.decode(garbage, 0x1000, 10).empty());
    EXPECT_FALSE(dis.decodeOne({}, 0x1000).has_value());
    EXPECT_TRUE(dis.decode({}, 0x1000, 10).empty());
    // Still usable after failures.
    EXPECT_EQ(dis.decodeOne(std::vector<uint8_t>{0xc3}, 0x1000)->mnemonic, "retq");
}

TEST(Disassembler, MovesWithItsHandle) {
    auto first = make();
    Disassembler second = std::move(first);
    const std::vector<uint8_t> ret = {0xc3};
    ASSERT_TRUE(second.decodeOne(ret, 0x1000).has_value());
    first = std::move(second);
    EXPECT_TRUE(first.decodeOne(ret, 0x1000)->isReturn);
}

} // namespace
} // namespace panicscope::disasm
