// walkXarray on hand-made xarrays in fake memory, laid out as 6.1's struct xa_node (shift at 0,
// 64 slots at 0x28): a lone head entry, one node, two levels, and each way a corrupt array can
// end (a loop, a node of the wrong level, an unreadable node, too many nodes).
#include "kernel/xarray.h"

#include "fake_memory.h"

#include <gtest/gtest.h>

namespace panicscope::kernel {
namespace {

constexpr uint64_t kArray = 0xffffffff83000000; // struct xarray
constexpr uint64_t kHeadOffset = 8;             // xarray.xa_head
constexpr uint64_t kNodes = 0xffff888005000000; // xa_nodes, 0x240 bytes each
constexpr uint64_t kNodeSize = 0x240, kSlots = 0x28;
constexpr uint64_t A = 0xffff888006000000, B = 0xffff888006000200, C = 0xffff888006000400;

class Xarray : public ::testing::Test {
  protected:
    void SetUp() override {
        layouts.add("xarray", "xa_head", kHeadOffset, 8);
        layouts.add("xa_node", "shift", 0, 1);
        layouts.add("xa_node", "slots", kSlots, 64 * 8);
        memory.mapZeros(kArray, 16);
        memory.mapZeros(kNodes, kNodeSize * 4);
        auto resolved = resolveXarrayLayout(layouts);
        ASSERT_TRUE(resolved) << resolved.error().message;
        layout = *resolved;
    }
    static uint64_t node(unsigned i) { return kNodes + kNodeSize * i; }
    static uint64_t encoded(unsigned i) { return node(i) | 2; } // xa_mk_node()
    void setHead(uint64_t entry) { memory.put<uint64_t>(kArray + kHeadOffset, entry); }
    void setNode(unsigned i, uint8_t shift, std::vector<std::pair<unsigned, uint64_t>> slots) {
        memory.put<uint8_t>(node(i), shift);
        for (auto [slot, value] : slots)
            memory.put<uint64_t>(node(i) + kSlots + 8 * slot, value);
    }
    std::vector<std::pair<uint64_t, uint64_t>> entries(size_t max = 1000) {
        walked = walkXarray(memory, layout, kArray, max);
        std::vector<std::pair<uint64_t, uint64_t>> out;
        for (const auto& e : walked.entries)
            out.emplace_back(e.index, e.value);
        return out;
    }
    using Pairs = std::vector<std::pair<uint64_t, uint64_t>>;

    testing::FakeLayouts layouts;
    testing::FakeMemory memory;
    XarrayLayout layout;
    XarrayWalk walked;
};

TEST_F(Xarray, AnEmptyArrayAndALoneHeadEntry) {
    EXPECT_EQ(entries(), Pairs{});
    setHead(A);
    EXPECT_EQ(entries(), (Pairs{{0, A}}));
    EXPECT_TRUE(walked.problems.empty());
}

TEST_F(Xarray, TwoLevelsGiveEachEntryItsIndexAndSkipValueAndInternalEntries) {
    // pid 1 and 2 in the bottom node under slot 0, pid 64 * 3 + 5 under slot 3.
    setNode(0, 6, {{0, encoded(1)}, {3, encoded(2)}, {5, 0x21 /* xa_mk_value(16) */}});
    setNode(1, 0, {{1, A}, {2, B}, {4, 0x402 /* XA_ZERO_ENTRY */}, {7, 0x6 /* sibling */}});
    setNode(2, 0, {{5, C}});
    setHead(encoded(0));
    EXPECT_EQ(entries(), (Pairs{{1, A}, {2, B}, {3 * 64 + 5, C}}));
    EXPECT_TRUE(walked.problems.empty());
}

TEST_F(Xarray, ALoopIsReportedOnceAndEndsTheWalk) {
    setNode(0, 0, {{0, A}});
    setNode(1, 6, {{0, encoded(0)}, {1, encoded(0)}});
    setHead(encoded(1));
    EXPECT_EQ(entries(), (Pairs{{0, A}}));
    ASSERT_EQ(walked.problems.size(), 1u);
    EXPECT_EQ(walked.problems[0], "xa_node 0xffff888005000000 is reached twice (a loop)");
}

TEST_F(Xarray, ANodeThatPointsToItselfAtTheSameLevelIsNoLevelBelow) {
    setNode(0, 6, {{0, encoded(0)}, {1, A}});
    setHead(encoded(0));
    EXPECT_EQ(entries(), (Pairs{{64, A}}));
    ASSERT_EQ(walked.problems.size(), 1u);
    EXPECT_EQ(walked.problems[0], "xa_node 0xffff888005000000 is reached twice (a loop)");
    // A different node at the wrong level, and one below the bottom level.
    setNode(1, 12, {});
    setNode(2, 0, {{0, encoded(3)}});
    setNode(0, 6, {{0, encoded(1)}, {1, encoded(2)}});
    EXPECT_EQ(entries(), Pairs{});
    EXPECT_EQ(walked.problems, (std::vector<std::string>{
                                   "xa_node 0xffff888005000240 has shift 12, not 0",
                                   "xa_node 0xffff8880050006c0 hangs below the bottom level"}));
}

TEST_F(Xarray, AnUnreadableNodeOrABadShiftIsAProblemAndTheRestIsKept) {
    setNode(0, 6, {{0, 0xffff888007000002}, {1, encoded(1)}});
    setNode(1, 0, {{0, A}});
    setHead(encoded(0));
    EXPECT_EQ(entries(), (Pairs{{64, A}}));
    ASSERT_EQ(walked.problems.size(), 1u);
    EXPECT_TRUE(walked.problems[0].starts_with("xa_node 0xffff888007000000: "))
        << walked.problems[0];
    setNode(0, 7, {});
    EXPECT_EQ(entries(), Pairs{});
    EXPECT_EQ(walked.problems, std::vector<std::string>{"xa_node 0xffff888005000000 has shift 7"});
}

TEST_F(Xarray, EntriesAndNodesAreBounded) {
    setNode(0, 6, {{0, encoded(1)}, {1, encoded(2)}, {2, encoded(3)}});
    setNode(1, 0, {{0, A}, {1, B}});
    setNode(2, 0, {{0, C}});
    setHead(encoded(0));
    EXPECT_EQ(entries(2), (Pairs{{0, A}, {1, B}}));
    // More nodes than entries allowed: the walk stops with one problem.
    setNode(1, 0, {{0, 0}, {1, 0}});
    setNode(2, 0, {{0, 0}});
    EXPECT_EQ(entries(2), Pairs{});
    EXPECT_EQ(walked.problems, std::vector<std::string>{"more than 2 xa_nodes"});
}

} // namespace
} // namespace panicscope::kernel
