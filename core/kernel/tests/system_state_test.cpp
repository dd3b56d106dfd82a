// The sys and kmem -i arithmetic on fakes: the load average as /proc/loadavg rounds it, taint
// letters as print_tainted() writes them, and counter indexes bounded by their array.
#include "fake_memory.h"
#include "kernel/memory_totals.h"
#include "kernel/system_state.h"

#include <gtest/gtest.h>

namespace panicscope::kernel {
namespace {

TEST(LoadAverage, RoundsToHundredthsAsProcLoadavg) {
    EXPECT_EQ(formatLoad(0), "0.00");
    EXPECT_EQ(formatLoad(1224), "0.60"); // 1224/2048 = 0.5977
    EXPECT_EQ(formatLoad(2048), "1.00");
    EXPECT_EQ(formatLoad(2048 * 3 + 1024), "3.50");
    EXPECT_EQ(formatLoad(2037), "0.99"); // + FIXED_1/200, then cut: as the kernel
    EXPECT_EQ(formatLoad(2039), "1.00");
}

TEST(Taints, LettersInTheKernelsTableOrder) {
    const std::vector<TaintFlag> flags = {{0, 'P', 'G', true, ""},
                                          {1, 'F', ' ', true, ""},
                                          {2, 'S', ' ', false, ""},
                                          {3, 'O', ' ', true, ""},
                                          {4, 'E', ' ', true, ""}};
    EXPECT_EQ(taintText(0, flags), "Not tainted");
    EXPECT_EQ(taintText(0b11000, flags), "G  OE");
    EXPECT_EQ(taintText(0b00101, flags), "P S  ");
    EXPECT_EQ(taintText(uint64_t(1) << 40, flags), "G    "); // a bit the table does not name
}

TEST(MemoryTotals, ACounterIndexOutsideItsArrayIsAnError) {
    testing::FakeMemory memory;
    testing::FakeLayouts layouts;
    constexpr uint64_t kTotal = 0xffffffff82000000, kZone = 0xffffffff82001000;
    const symbols::SymbolTable symbols(
        {{"_totalram_pages", kTotal, 8, false}, {"vm_zone_stat", kZone, 16, false}});
    memory.mapZeros(kTotal, 8);
    memory.put<uint64_t>(kTotal, 1000);
    memory.mapZeros(kZone, 16);
    memory.put<uint64_t>(kZone + 8, 700);
    layouts.add("atomic64_t", "counter", 0, 8);
    layouts.addEnumerator("NR_FREE_PAGES", 2); // vm_zone_stat has 2 entries: 0 and 1
    const KernelView view(memory, symbols, layouts, 0);
    auto outside = readMemoryTotals(view, 4096);
    ASSERT_FALSE(outside);
    EXPECT_EQ(outside.error().message,
              "reading NR_FREE_PAGES: NR_FREE_PAGES is outside vm_zone_stat[]");

    layouts.addEnumerator("NR_FREE_PAGES", 1);
    auto totals = readMemoryTotals(view, 4096);
    ASSERT_TRUE(totals) << totals.error().message;
    EXPECT_EQ(totals->totalRam, 1000u);
    EXPECT_EQ(totals->free, 700u);
    // What the fake kernel lacks is a warning each, not a failure; no swap support: no swap.
    EXPECT_FALSE(totals->filePages);
    EXPECT_FALSE(totals->warnings.empty());
    EXPECT_EQ(totals->swapTotal, 0u);
}

} // namespace
} // namespace panicscope::kernel
