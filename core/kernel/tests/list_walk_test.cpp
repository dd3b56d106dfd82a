// walkList on hand-made rings in fake memory: how each way a list can end is reported.
#include "kernel/list_walk.h"

#include "fake_memory.h"

#include <gtest/gtest.h>

namespace panicscope::kernel {
namespace {

constexpr uint64_t kHead = 0xffffffff82000000;    // a list_head variable
constexpr uint64_t kObjects = 0xffff888004000000; // containers, 0x100 apart
constexpr uint64_t kMember = 0x40;                // the list_head's offset in each

uint64_t object(unsigned i) {
    return kObjects + 0x100 * i;
}
uint64_t node(unsigned i) {
    return object(i) + kMember;
}

// A list whose next pointers are set by hand: head, then objects 0..count-1.
class ListRing : public ::testing::Test {
  protected:
    void SetUp() override {
        memory.mapZeros(kHead, 16);
        memory.mapZeros(kObjects, 0x100 * kObjectCount);
    }
    void link(uint64_t from, uint64_t to) { memory.put<uint64_t>(from, to); }
    // head -> node(0) -> ... -> node(count - 1) -> head
    void ring(unsigned count) {
        uint64_t from = kHead;
        for (unsigned i = 0; i < count; ++i) {
            link(from, node(i));
            from = node(i);
        }
        link(from, kHead);
    }

    static constexpr unsigned kObjectCount = 8;
    testing::FakeMemory memory;
};

TEST_F(ListRing, AClosedRingGivesEveryContainerInOrder) {
    ring(3);
    const ListWalk walk = walkList(memory, kHead, kMember, 100);
    EXPECT_EQ(walk.entries, (std::vector<uint64_t>{object(0), object(1), object(2)}));
    EXPECT_FALSE(walk.problem.has_value());
}

TEST_F(ListRing, AnEmptyRingPointsAtItsHead) {
    ring(0);
    const ListWalk walk = walkList(memory, kHead, kMember, 100);
    EXPECT_TRUE(walk.entries.empty());
    EXPECT_FALSE(walk.problem.has_value());
}

TEST_F(ListRing, ALoopThatMissesTheHeadStopsAtTheFirstRepeatedNode) {
    ring(4);
    link(node(3), node(1)); // 0 1 2 3 1 ...: never back at the head
    const ListWalk walk = walkList(memory, kHead, kMember, 100);
    EXPECT_EQ(walk.entries, (std::vector<uint64_t>{object(0), object(1), object(2), object(3)}));
    ASSERT_TRUE(walk.problem.has_value());
    EXPECT_EQ(walk.problem->kind, ListProblem::Kind::Loop);
    EXPECT_EQ(walk.problem->address, node(1));
    EXPECT_EQ(describeListProblem("module", *walk.problem),
              "module list loops at 0xffff888004000140");
}

TEST_F(ListRing, ANodePointingAtItselfIsALoop) {
    ring(2);
    link(node(1), node(1));
    const ListWalk walk = walkList(memory, kHead, kMember, 100);
    EXPECT_EQ(walk.entries, (std::vector<uint64_t>{object(0), object(1)}));
    ASSERT_TRUE(walk.problem.has_value());
    EXPECT_EQ(walk.problem->kind, ListProblem::Kind::Loop);
    EXPECT_EQ(walk.problem->address, node(1));
}

// A NULL next is followed like any other pointer (as the task and module walks always did): its
// "container" is an entry the caller fails to read, and the walk stops where reading 0 fails.
TEST_F(ListRing, ANullNextEndsTheWalkAtAddressZero) {
    ring(3);
    link(node(1), 0); // a cleared list_head
    const ListWalk walk = walkList(memory, kHead, kMember, 100);
    EXPECT_EQ(walk.entries, (std::vector<uint64_t>{object(0), object(1), 0 - kMember}));
    ASSERT_TRUE(walk.problem.has_value());
    EXPECT_EQ(walk.problem->kind, ListProblem::Kind::Unreadable);
    EXPECT_EQ(walk.problem->address, 0u);
    EXPECT_EQ(walk.problem->reason, "address 0 is not in the dump"); // FakeMemory's wording
    EXPECT_EQ(describeListProblem("task", *walk.problem),
              "task list at 0x0: address 0 is not in the dump");
}

TEST_F(ListRing, AnUnreadableNextEndsTheWalkAtItsNode) {
    ring(3);
    link(node(1), 0xffff888005000000); // into memory the dump does not have
    const ListWalk walk = walkList(memory, kHead, kMember, 100);
    EXPECT_EQ(walk.entries,
              (std::vector<uint64_t>{object(0), object(1), 0xffff888005000000 - kMember}));
    ASSERT_TRUE(walk.problem.has_value());
    EXPECT_EQ(walk.problem->kind, ListProblem::Kind::Unreadable);
    EXPECT_EQ(walk.problem->address, 0xffff888005000000);
}

TEST_F(ListRing, AnUnreadableHeadGivesNoEntries) {
    const ListWalk walk = walkList(memory, 0xffffffff83000000, kMember, 100);
    EXPECT_TRUE(walk.entries.empty());
    ASSERT_TRUE(walk.problem.has_value());
    EXPECT_EQ(walk.problem->kind, ListProblem::Kind::Unreadable);
    EXPECT_EQ(walk.problem->address, 0xffffffff83000000);
}

TEST_F(ListRing, TheBoundKeepsThatManyEntriesAndSaysThereAreMore) {
    ring(5);
    const ListWalk walk = walkList(memory, kHead, kMember, 3);
    EXPECT_EQ(walk.entries, (std::vector<uint64_t>{object(0), object(1), object(2)}));
    ASSERT_TRUE(walk.problem.has_value());
    EXPECT_EQ(walk.problem->kind, ListProblem::Kind::TooLong);
    EXPECT_EQ(walk.problem->address, node(3));
    EXPECT_EQ(describeListProblem("thread", *walk.problem), "thread list has more than 3 entries");
}

TEST_F(ListRing, ARingOfExactlyTheBoundIsComplete) {
    ring(3);
    const ListWalk walk = walkList(memory, kHead, kMember, 3);
    EXPECT_EQ(walk.entries.size(), 3u);
    EXPECT_FALSE(walk.problem.has_value());
}

// crash's `list` on a chain that is no ring: with nullEnds a NULL next pointer ends it quietly,
// and a loop or a wild pointer still ends it with the problem named, the entries before kept.
TEST_F(ListRing, NullEndsAChainWhenAsked) {
    ring(3);
    link(node(2), 0);
    const ListWalk walk = walkList(memory, kHead, kMember, 100, /*nullEnds=*/true);
    EXPECT_EQ(walk.entries, (std::vector<uint64_t>{object(0), object(1), object(2)}));
    EXPECT_FALSE(walk.problem.has_value());

    link(node(2), node(0));
    const ListWalk loop = walkList(memory, kHead, kMember, 100, true);
    EXPECT_EQ(loop.entries.size(), 3u);
    ASSERT_TRUE(loop.problem.has_value());
    EXPECT_EQ(describeListProblem("the", *loop.problem), "the list loops at 0xffff888004000040");

    link(node(1), 0xdead000000000100); // LIST_POISON1: a deleted entry's next
    const ListWalk wild = walkList(memory, kHead, kMember, 100, true);
    EXPECT_EQ(wild.entries,
              (std::vector<uint64_t>{object(0), object(1), 0xdead000000000100 - kMember}));
    ASSERT_TRUE(wild.problem.has_value());
    EXPECT_EQ(describeListProblem("the", *wild.problem),
              "the list at 0xdead000000000100: address 16045481047390945536 is not in the dump");
}

} // namespace
} // namespace panicscope::kernel
