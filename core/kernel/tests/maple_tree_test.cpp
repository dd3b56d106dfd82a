// walkMapleTree on hand-made maple trees in fake memory, laid out as 6.12's struct maple_node:
// a lone root entry, a leaf root, an arange_64 root over leaves, a full leaf, and each way a
// corrupt tree can end (a loop, an unreadable node, pivots out of order, too many entries).
#include "kernel/maple_tree.h"

#include "fake_memory.h"

#include <gtest/gtest.h>

namespace panicscope::kernel {
namespace {

constexpr uint64_t kTree = 0xffffffff83000000;  // struct maple_tree sparse_irqs
constexpr uint64_t kNodes = 0xffff888005000000; // maple nodes, 256 bytes each
constexpr uint64_t kRootOffset = 8;             // maple_tree.ma_root
constexpr uint64_t kMax = UINT64_MAX;
enum Type { Dense = 0, Leaf64 = 1, Range64 = 2, Arange64 = 3 };

testing::FakeLayouts mapleLayouts() {
    testing::FakeLayouts l;
    l.add("maple_tree", "ma_root", kRootOffset, 8);
    l.addSize("maple_node", 256);
    l.add("maple_node", "slot", 8, 31 * 8);
    l.add("maple_node", "mr64", 0, 256);
    l.add("maple_node", "ma64", 0, 248);
    l.add("maple_range_64", "pivot", 8, 15 * 8);
    l.add("maple_range_64", "slot", 0x80, 16 * 8);
    l.add("maple_range_64", "meta", 0xf8, 2);
    l.add("maple_arange_64", "pivot", 8, 9 * 8);
    l.add("maple_arange_64", "slot", 0x50, 10 * 8);
    l.add("maple_arange_64", "meta", 0xf0, 2);
    l.add("maple_metadata", "end", 0, 1);
    l.addEnumerator("maple_dense", Dense);
    l.addEnumerator("maple_leaf_64", Leaf64);
    l.addEnumerator("maple_range_64", Range64);
    l.addEnumerator("maple_arange_64", Arange64);
    return l;
}

// A node's contents as the kernel stores them: (pivot, slot) pairs, the last slot's pivot
// being the node's maximum (or absent in a full node).
struct NodeSpec {
    Type type;
    std::vector<std::pair<uint64_t, uint64_t>> slots;
};

class MapleTree : public ::testing::Test {
  protected:
    void SetUp() override {
        memory.mapZeros(kTree, 16);
        memory.mapZeros(kNodes, 256 * 8);
        auto resolved = resolveMapleTreeLayout(layouts);
        ASSERT_TRUE(resolved) << resolved.error().message;
        layout = *resolved;
    }
    static uint64_t node(unsigned i) { return kNodes + 256 * i; }
    // mt_mk_node(): the node's address with its type and the "not NULL" bit.
    static uint64_t encoded(unsigned i, Type type) { return node(i) | (type << 3) | 4; }
    void setRoot(uint64_t value) { memory.put<uint64_t>(kTree + kRootOffset, value); }
    void setRootNode(unsigned i, Type type) { setRoot(encoded(i, type) | 2); }

    void write(unsigned i, const NodeSpec& spec) {
        const bool arange = spec.type == Arange64;
        const uint64_t pivots = 8, slots = arange ? 0x50 : 0x80, meta = arange ? 0xf0 : 0xf8;
        const size_t pivotCount = arange ? 9 : 15;
        for (size_t s = 0; s < spec.slots.size(); ++s) {
            if (s < pivotCount) memory.put<uint64_t>(node(i) + pivots + 8 * s, spec.slots[s].first);
            memory.put<uint64_t>(node(i) + slots + 8 * s, spec.slots[s].second);
        }
        if (spec.slots.size() <= pivotCount || arange)
            memory.put<uint8_t>(node(i) + meta, static_cast<uint8_t>(spec.slots.size() - 1));
    }

    MapleWalk walk(size_t maxEntries = 1000) {
        return walkMapleTree(memory, layout, kTree, maxEntries);
    }

    testing::FakeLayouts layouts = mapleLayouts();
    testing::FakeMemory memory;
    MapleTreeLayout layout;
};

using Entries = std::vector<std::tuple<uint64_t, uint64_t, uint64_t>>;
Entries entriesOf(const MapleWalk& w) {
    Entries out;
    for (const auto& e : w.entries)
        out.emplace_back(e.first, e.last, e.value);
    return out;
}

constexpr uint64_t A = 0xffff888006000000, B = 0xffff888006000200, C = 0xffff888006000400,
                   D = 0xffff888006000600;

TEST_F(MapleTree, AnEmptyTreeHasNoEntries) {
    const auto w = walk();
    EXPECT_TRUE(w.entries.empty());
    EXPECT_TRUE(w.problems.empty());
}

TEST_F(MapleTree, ALoneRootEntryIsIndexZero) {
    setRoot(A);
    EXPECT_EQ(entriesOf(walk()), (Entries{{0, 0, A}}));
}

TEST_F(MapleTree, ALeafRootMapsEachRangeAndSkipsTheEmptyOnes) {
    // sparse_irqs as 6.12 stores IRQs 0, 1, 4 and 8-9 (one entry for two indices here).
    write(0, {Leaf64, {{0, A}, {1, B}, {3, 0}, {4, C}, {7, 0}, {9, D}, {kMax, 0}}});
    setRootNode(0, Leaf64);
    const auto w = walk();
    EXPECT_EQ(entriesOf(w), (Entries{{0, 0, A}, {1, 1, B}, {4, 4, C}, {8, 9, D}}));
    EXPECT_TRUE(w.problems.empty());
}

TEST_F(MapleTree, AnArangeRootLeadsToItsLeavesWithTheirLimits) {
    write(0, {Arange64, {{9, encoded(1, Leaf64)}, {kMax, encoded(2, Leaf64)}}});
    write(1, {Leaf64, {{2, A}, {9, 0}}});
    // A leaf whose last pivot was left 0 (kernels before 6.6): its last slot ends at the limit.
    write(2, {Leaf64, {{10, B}, {11, 0}, {0, C}}});
    setRootNode(0, Arange64);
    const auto w = walk();
    EXPECT_EQ(entriesOf(w), (Entries{{0, 2, A}, {10, 10, B}, {12, kMax, C}}));
    EXPECT_TRUE(w.problems.empty());
}

TEST_F(MapleTree, AFullLeafHasNoMetadataAndItsLastSlotGoesToTheLimit) {
    NodeSpec full{Leaf64, {}};
    for (uint64_t i = 0; i < 16; ++i)
        full.slots.emplace_back(i, A + 8 * i); // the 16th pivot does not exist
    write(0, full);
    setRootNode(0, Leaf64);
    const auto w = walk();
    ASSERT_EQ(w.entries.size(), 16u);
    EXPECT_EQ(entriesOf(w)[14], std::make_tuple(14ull, 14ull, A + 8 * 14));
    EXPECT_EQ(entriesOf(w)[15], std::make_tuple(15ull, kMax, A + 8 * 15));
}

TEST_F(MapleTree, ReservedInternalEntriesAreNoEntries) {
    write(0, {Leaf64, {{0, 0x102} /* XA_ZERO_ENTRY */, {1, A}, {kMax, 0}}});
    setRootNode(0, Leaf64);
    EXPECT_EQ(entriesOf(walk()), (Entries{{1, 1, A}}));
}

TEST_F(MapleTree, ALoopIsReportedOnceAndTheRestIsRead) {
    write(0, {Arange64, {{9, encoded(1, Leaf64)}, {kMax, encoded(0, Arange64)}}});
    write(1, {Leaf64, {{5, A}, {9, 0}}});
    setRootNode(0, Arange64);
    const auto w = walk();
    EXPECT_EQ(entriesOf(w), (Entries{{0, 5, A}}));
    EXPECT_EQ(w.problems,
              (std::vector<std::string>{"maple tree loops at node 0xffff888005000000"}));
}

TEST_F(MapleTree, AnUnreadableNodeIsNamedAndItsSiblingsAreRead) {
    const uint64_t missing = 0xffff888009000000;
    write(0, {Arange64, {{9, missing | (Leaf64 << 3) | 4}, {kMax, encoded(1, Leaf64)}}});
    write(1, {Leaf64, {{10, B}, {kMax, 0}}});
    setRootNode(0, Arange64);
    const auto w = walk();
    EXPECT_EQ(entriesOf(w), (Entries{{10, 10, B}}));
    ASSERT_EQ(w.problems.size(), 1u);
    EXPECT_TRUE(w.problems[0].starts_with("maple node 0xffff888009000000: ")) << w.problems[0];
}

TEST_F(MapleTree, PivotsOutOfOrderEndTheNode) {
    write(0, {Leaf64, {{5, A}, {3, B}, {kMax, C}}});
    setRootNode(0, Leaf64);
    const auto w = walk();
    EXPECT_EQ(entriesOf(w), (Entries{{0, 5, A}}));
    EXPECT_EQ(w.problems, (std::vector<std::string>{"maple node 0xffff888005000000: pivot 1 "
                                                    "(0x3) is outside 0x6..0xffffffffffffffff"}));
}

TEST_F(MapleTree, AnUnknownNodeTypeIsNamed) {
    setRoot(node(0) | (7 << 3) | 4 | 2);
    const auto w = walk();
    EXPECT_TRUE(w.entries.empty());
    EXPECT_EQ(w.problems,
              (std::vector<std::string>{"maple node 0xffff888005000000 has the unknown type 7"}));
}

TEST_F(MapleTree, TheEntryBoundStopsTheWalkWithAProblem) {
    write(0, {Leaf64, {{0, A}, {1, B}, {2, C}, {kMax, D}}});
    setRootNode(0, Leaf64);
    const auto w = walk(2);
    EXPECT_EQ(entriesOf(w), (Entries{{0, 0, A}, {1, 1, B}}));
    EXPECT_EQ(w.problems, (std::vector<std::string>{"maple tree has more than 2 entries"}));
    // Exactly as many entries as allowed is no problem.
    EXPECT_EQ(walk(4).entries.size(), 4u);
    EXPECT_TRUE(walk(4).problems.empty());
}

TEST_F(MapleTree, AnUnreadableTreeIsAProblem) {
    const auto w = walkMapleTree(memory, layout, 0xffffffff90000000, 10);
    EXPECT_TRUE(w.entries.empty());
    ASSERT_EQ(w.problems.size(), 1u);
    EXPECT_TRUE(w.problems[0].starts_with("maple tree at 0xffffffff90000000: ")) << w.problems[0];
}

TEST(MapleTreeLayoutTest, AKernelWithoutMapleTreesSaysWhatIsMissing) {
    testing::FakeLayouts none;
    auto l = resolveMapleTreeLayout(none);
    ASSERT_FALSE(l);
    EXPECT_EQ(l.error().code, Errc::NoType);
    EXPECT_EQ(l.error().message, "struct maple_tree has no member 'ma_root'");
}

} // namespace
} // namespace panicscope::kernel
