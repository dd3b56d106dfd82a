#include "kernel/printk_log.h"

#include "kernel/crash_facts.h"

#include "fake_memory.h"

#include <gtest/gtest.h>

namespace panicscope::kernel {
namespace {

using testing::FakeLayouts;
using testing::FakeMemory;

constexpr uint64_t kPrbVar = 0xffffffff81000000, kRing = 0xffffffff81001000;
constexpr uint64_t kDescs = 0xffffffff81002000, kInfos = 0xffffffff81003000;
constexpr uint64_t kData = 0xffffffff81004000;
constexpr uint64_t kDataSize = 256; // size_bits 8
constexpr uint64_t kCount = 4;      // count_bits 2

// A printk ring laid out like the kernel's, with small made-up offsets.
class PrintkRing : public ::testing::Test {
  protected:
    void SetUp() override {
        layouts.add("printk_ringbuffer", "desc_ring.count_bits", 0, 4);
        layouts.add("printk_ringbuffer", "desc_ring.descs", 8, 8);
        layouts.add("printk_ringbuffer", "desc_ring.infos", 16, 8);
        layouts.add("printk_ringbuffer", "desc_ring.head_id", 24, 8);
        layouts.add("printk_ringbuffer", "desc_ring.tail_id", 32, 8);
        layouts.add("printk_ringbuffer", "text_data_ring.size_bits", 48, 4);
        layouts.add("printk_ringbuffer", "text_data_ring.data", 56, 8);
        layouts.addSize("prb_desc", 24);
        layouts.add("prb_desc", "state_var", 0, 8);
        layouts.add("prb_desc", "text_blk_lpos.begin", 8, 8);
        layouts.add("prb_desc", "text_blk_lpos.next", 16, 8);
        layouts.addSize("printk_info", 32);
        layouts.add("printk_info", "seq", 0, 8);
        layouts.add("printk_info", "ts_nsec", 8, 8);
        layouts.add("printk_info", "text_len", 16, 2);
        layouts.add("printk_info", "facility", 18, 1);
        layouts.add("printk_info", "caller_id", 20, 4);
        mem.mapZeros(kPrbVar, 8);
        mem.put<uint64_t>(kPrbVar, kRing);
        mem.mapZeros(kRing, 128);
        mem.put<uint32_t>(kRing + 0, 2);
        mem.put<uint64_t>(kRing + 8, kDescs);
        mem.put<uint64_t>(kRing + 16, kInfos);
        mem.put<uint32_t>(kRing + 48, 8);
        mem.put<uint64_t>(kRing + 56, kData);
        mem.mapZeros(kDescs, kCount * 24);
        mem.mapZeros(kInfos, kCount * 32);
        mem.mapZeros(kData, kDataSize);
        symbolTable = symbols::SymbolTable({{"prb", kPrbVar, 8, false}});
    }

    // Descriptor `id` in `state`, its text block at [begin, next) holding `text`.
    void record(uint64_t id, uint64_t state, uint64_t seq, uint64_t ts, uint64_t begin,
                uint64_t next, const std::string& text, uint8_t level = 6) {
        const uint64_t d = kDescs + (id % kCount) * 24, i = kInfos + (id % kCount) * 32;
        mem.put<uint64_t>(d, (state << 62) | id);
        mem.put<uint64_t>(d + 8, begin);
        mem.put<uint64_t>(d + 16, next);
        mem.put<uint64_t>(i, seq);
        mem.put<uint64_t>(i + 8, ts);
        mem.put<uint16_t>(i + 16, static_cast<uint16_t>(text.size()));
        mem.put<uint8_t>(i + 19, static_cast<uint8_t>(level << 5));
        if (begin & 1) return; // data-less
        const bool wraps = begin / kDataSize != next / kDataSize;
        const uint64_t block = wraps ? 0 : begin % kDataSize;
        mem.put<uint64_t>(kData + block, id);
        mem.putBytes(kData + block + 8, text.data(), text.size());
    }
    // ids 5..8 live, 7 only reserved; id 8's block would cross the ring's end, so it sits at
    // offset 0.
    void fourRecordsOneWrapped() {
        record(5, 2, 10, 1500000000, 512 + 100, 512 + 130, "first line\n");
        record(6, 2, 11, 1600000000, 512 + 130, 512 + 160, "second\nwith two lines");
        record(7, 0, 12, 0, 512 + 160, 512 + 200, "reserved, not yet committed");
        record(8, 1, 13, 8727927000, 512 + 240, 768 + 40, "wrapped record", 0);
        headTail(8, 5);
    }
    void headTail(uint64_t head, uint64_t tail) {
        mem.put<uint64_t>(kRing + 24, head);
        mem.put<uint64_t>(kRing + 32, tail);
    }

    FakeMemory mem;
    FakeLayouts layouts;
    symbols::SymbolTable symbolTable;
};

TEST_F(PrintkRing, ReadsRecordsInSequenceIncludingAWrappedBlock) {
    fourRecordsOneWrapped();
    KernelView view(mem, symbolTable, layouts, 0);
    auto log = readKernelLog(view);
    ASSERT_TRUE(log) << log.error().message;
    ASSERT_EQ(log->records.size(), 3u);
    EXPECT_EQ(log->records[0].text, "first line");
    EXPECT_EQ(log->records[1].text, "second\nwith two lines");
    EXPECT_EQ(log->records[2].text, "wrapped record");
    EXPECT_EQ(log->records[2].seq, 13u);
    EXPECT_EQ(log->records[2].level, 0);
    EXPECT_EQ(formatLogLines(log->records[2]),
              std::vector<std::string>{"[    8.727927] wrapped record"});
    EXPECT_EQ(formatLogLines(log->records[1]),
              (std::vector<std::string>{"[    1.600000] second", "[    1.600000] with two lines"}));
    EXPECT_TRUE(log->warnings.empty());
}

TEST_F(PrintkRing, TheTailHoldsTheNewestRecordsAndSaysWhetherItIsAll) {
    fourRecordsOneWrapped();
    KernelView view(mem, symbolTable, layouts, 0);
    auto two = readKernelLogTail(view, 2);
    ASSERT_TRUE(two) << two.error().message;
    EXPECT_FALSE(two->whole);
    ASSERT_EQ(two->log.records.size(), 2u);
    EXPECT_EQ(two->log.records[0].text, "second\nwith two lines");
    EXPECT_EQ(two->log.records[1].text, "wrapped record");
    auto all = readKernelLogTail(view, 10);
    ASSERT_TRUE(all);
    EXPECT_TRUE(all->whole);
    ASSERT_EQ(all->log.records.size(), 3u);
    EXPECT_EQ(all->log.records[0].text, "first line");
    EXPECT_EQ(all->log.records, readKernelLog(view)->records);
}

TEST_F(PrintkRing, SkipsStaleDescriptorsAndKeepsDatalessRecords) {
    record(9, 2, 20, 1000, 0x3, 0x3, ""); // data-less (NO_LPOS)
    record(6, 2, 99, 1000, 10, 40, "stale: id 6 sits where id 10 should");
    headTail(10, 9);
    KernelView view(mem, symbolTable, layouts, 0);
    auto log = readKernelLog(view);
    ASSERT_TRUE(log) << log.error().message;
    ASSERT_EQ(log->records.size(), 1u);
    EXPECT_EQ(log->records[0].seq, 20u);
    EXPECT_EQ(log->records[0].text, "");
}

TEST(CrashFactsIn, TheTailMustHoldThePanicOrTheOopsWithItsFirstLines) {
    auto log = [](std::vector<std::string> texts) {
        KernelLog l;
        for (auto& t : texts)
            l.records.push_back({0, 0, 0, 0, 0, t});
        return l;
    };
    EXPECT_TRUE(
        crashFactsIn(log({"a", "Kernel panic - not syncing: sysrq triggered crash"}), false));
    EXPECT_FALSE(crashFactsIn(log({"a", "b"}), false));
    // An oops head needs the five records before it (its first line may be one of them).
    EXPECT_FALSE(
        crashFactsIn(log({"x", "BUG: kernel NULL pointer dereference", "Oops: 0002"}), false));
    EXPECT_TRUE(
        crashFactsIn(log({"1", "2", "3", "4", "5", "6", "BUG: x", "Oops: 0002", "y"}), false));
    // Without panic_cpu the CPU line must be there too.
    EXPECT_FALSE(crashFactsIn(log({"Kernel panic - not syncing: x"}), true));
    EXPECT_TRUE(
        crashFactsIn(log({"CPU: 1 PID: 83 Comm: crasher", "Kernel panic - not syncing: x"}), true));
}

TEST_F(PrintkRing, FailsWithAReasonWhenTheRingIsUnreadable) {
    mem.put<uint64_t>(kRing + 8, 0xdead0000); // descs pointer into nothing
    headTail(1, 0);
    KernelView view(mem, symbolTable, layouts, 0);
    auto log = readKernelLog(view);
    ASSERT_FALSE(log);
    EXPECT_EQ(log.error().message,
              "reading printk descriptors: address 3735879680 is not in the dump");
}

TEST_F(PrintkRing, RejectsImpossibleSizes) {
    mem.put<uint32_t>(kRing + 0, 60);
    KernelView view(mem, symbolTable, layouts, 0);
    auto log = readKernelLog(view);
    ASSERT_FALSE(log);
    EXPECT_EQ(log.error().message, "printk ring has impossible sizes (count_bits 60, size_bits 8)");
}

} // namespace
} // namespace panicscope::kernel
