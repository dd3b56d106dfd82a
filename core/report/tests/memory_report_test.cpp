// rd's layout, bt -f's frame ranges and bt --group's grouping on synthetic input (the real-dump
// tests check them against drgn, rd and the scale workload; these pin the edge cases).
#include "report/frame_words.h"
#include "report/memory_report.h"
#include "report/stack_groups.h"

#include <gtest/gtest.h>

#include <sstream>

namespace panicscope::report {
namespace {

model::MemoryBlock block(uint64_t address, std::string_view bytes) {
    model::MemoryBlock b;
    b.address = address;
    b.bytes.assign(bytes.begin(), bytes.end());
    return b;
}

std::string printed(const model::MemoryBlock& b, unsigned size, const NameOf& nameOf = nullptr) {
    std::ostringstream out;
    printMemoryWords(out, b, size, nameOf);
    return out.str();
}

TEST(MemoryReport, WordsAndAsciiAsCrashPrintsThem) {
    const auto b = block(0x1000, "Linux version 6.1.0-56");
    EXPECT_EQ(printed(b, 8), "0000000000001000:  65762078756e694c 2e36206e6f697372   "
                             "Linux version 6.\n");
    // The 22 bytes hold 2 whole 8-byte words and 1 line; -8 shows every byte, the short last
    // line padded so its ASCII lines up.
    const std::string bytes = printed(b, 1);
    EXPECT_NE(bytes.find("0000000000001010:  31 2e 30 2d 35 36"), std::string::npos) << bytes;
    EXPECT_NE(bytes.find("   1.0-56\n"), std::string::npos) << bytes;
    EXPECT_EQ(bytes.find("0000000000001010:  31 2e 30 2d 35 36   "),
              bytes.find("0000000000001010:  31 2e 30 2d 35 36")); // padded, not cut
}

TEST(MemoryReport, MissingRangesCollapseAndPartialLinesShowQuestionMarks) {
    auto b = block(0x2000, std::string(64, 'A'));
    b.missing = {{0x2008, 0x2030}};
    b.missingReason = "page filtered";
    EXPECT_EQ(printed(b, 8),
              "0000000000002000:  4141414141414141 ????????????????   AAAAAAAA????????\n"
              "0000000000002010:  -- not in the dump up to 0000000000002030: page "
              "filtered --\n"
              "0000000000002030:  4141414141414141 4141414141414141   "
              "AAAAAAAAAAAAAAAA\n");
    const auto words = memoryWords(b, 8, nullptr);
    ASSERT_EQ(words.size(), 8u);
    EXPECT_FALSE(words[1].value);
    EXPECT_TRUE(words[6].value);
}

TEST(MemoryReport, SymbolsReplaceWordsWithoutAscii) {
    std::string bytes(16, '\0');
    bytes[0] = 0x10;
    const NameOf nameOf = [](uint64_t v) -> std::optional<std::string> {
        if (v == 0x10) return "schedule+0x10";
        return std::nullopt;
    };
    EXPECT_EQ(printed(block(0x3000, bytes), 8, nameOf),
              "0000000000003000:  schedule+0x10    0000000000000000\n");
}

using Range = std::optional<std::pair<uint64_t, uint64_t>>;
Range range(uint64_t b, uint64_t e) {
    return std::pair{b, e};
}

unwind::Frame frame(uint64_t sp, uint64_t stackBegin, uint64_t stackEnd) {
    unwind::Frame f;
    f.sp = sp;
    f.stack = {stackBegin, stackEnd, unwind::StackKind::Task, "task stack"};
    return f;
}

TEST(FrameWords, EachFrameUpToTheNextOnItsStackAndTheLastToTheStackEnd) {
    unwind::StackTrace t;
    t.frames = {frame(0x1100, 0x1000, 0x2000), frame(0x1180, 0x1000, 0x2000),
                frame(0x5f00, 0x5000, 0x6000), frame(0x1800, 0x1000, 0x2000)};
    t.frames[3].userMode = true;
    const auto r = frameWordRanges(t);
    ASSERT_EQ(r.size(), 4u);
    EXPECT_EQ(r[0], range(0x1100, 0x1180));
    EXPECT_EQ(r[1], range(0x1180, 0x2000)); // next is on another stack
    EXPECT_EQ(r[2], range(0x5f00, 0x6000));
    EXPECT_FALSE(r[3]); // user mode
    // A frame over 4 KiB is cut there; a next sp below this one gives no words.
    t.frames = {frame(0x10000, 0x10000, 0x20000), frame(0x8000, 0x10000, 0x20000)};
    t.frames[1].stack = t.frames[0].stack;
    EXPECT_EQ(frameWordRanges(t)[0], range(0x10000, 0x10000));
    t.frames.pop_back();
    EXPECT_EQ(frameWordRanges(t)[0], range(0x10000, 0x11000));
}

TEST(StackGroups, SameFunctionsGroupLargestFirstInTaskOrder) {
    auto trace = [](std::vector<const char*> functions) {
        unwind::StackTrace t;
        for (const char* f : functions) {
            unwind::Frame frame;
            frame.function = f;
            t.frames.push_back(frame);
        }
        return t;
    };
    StackGroups groups;
    auto task = [](int pid, const char* comm) {
        model::TaskRow t;
        t.pid = pid;
        t.comm = comm;
        return t;
    };
    groups.add(3, task(30, "cat"), trace({"schedule", "pipe_read"}));
    groups.add(0, task(10, "sh"), trace({"schedule", "do_wait"}));
    groups.add(2, task(20, "cat"), trace({"schedule", "pipe_read"}));
    auto truncated = trace({"schedule", "pipe_read"});
    truncated.stop.kind = unwind::WalkStatus::Truncated; // ends otherwise: another group
    groups.add(1, task(15, "cat"), truncated);
    const auto all = groups.groups();
    ASSERT_EQ(all.size(), 3u);
    ASSERT_EQ(all[0].tasks.size(), 2u);
    EXPECT_EQ(all[0].tasks[0].pid, 20); // index 2 before index 3
    EXPECT_EQ(all[0].tasks[1].pid, 30);
    EXPECT_EQ(all[1].tasks[0].pid, 10); // equal sizes: by their first task
    EXPECT_EQ(all[2].tasks[0].pid, 15);
    EXPECT_EQ(stackGroupJson(all[0])["comms"]["cat"], 2);
}

} // namespace
} // namespace panicscope::report
