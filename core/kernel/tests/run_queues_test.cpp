// The run-queue walk on synthetic memory: tree order, and corrupt trees (a node that is its own
// child, a task group whose queue is its parent's) end with a warning instead of a hang.
#include "kernel/run_queues.h"

#include "testing/fake_memory.h"

#include <gtest/gtest.h>

namespace panicscope::kernel {
namespace {

constexpr uint64_t kRq = 0x11000; // runqueues (0x1000) + CPU 0's per-CPU offset (0x10000)
constexpr uint64_t kCfsRq = kRq + 0x100;

uint64_t taskAt(int i) {
    return 0x20000 + 0x1000 * static_cast<uint64_t>(i);
}
uint64_t nodeOf(int i) {
    return taskAt(i) + 0x200 + 0x20; // task_struct.se + sched_entity.run_node
}

class RunQueues : public ::testing::Test {
  protected:
    RunQueues()
        : symbols_({{"nr_cpu_ids", 0x5000, 4, false},
                    {"__per_cpu_offset", 0x5100, 8, false},
                    {"__cpu_present_mask", 0x5200, 8, false},
                    {"runqueues", 0x1000, 0x800, false},
                    {"__per_cpu_end", 0x100000, 0, false}}),
          view_(memory_, symbols_, layouts_, 0) {
        for (auto [s, m, off, size] :
             std::initializer_list<std::tuple<const char*, const char*, uint64_t, uint64_t>>{
                 {"rq", "curr", 0, 8},
                 {"rq", "cfs", 0x100, 0x100},
                 {"rq", "rt.active", 0x400, 0x30},
                 {"cfs_rq", "tasks_timeline", 0x8, 16},
                 {"rt_prio_array", "queue", 0x10, 32},
                 {"task_struct", "se", 0x200, 0x100},
                 {"task_struct", "rt", 0x300, 0x40},
                 {"task_struct", "prio", 0x10, 4},
                 {"sched_entity", "run_node", 0x20, 24},
                 {"sched_entity", "my_q", 0x80, 8},
                 {"sched_rt_entity", "run_list", 0, 16},
                 {"rb_node", "rb_left", 0x10, 8},
                 {"rb_node", "rb_right", 0x8, 8}})
            layouts_.add(s, m, off, size);
        memory_.mapZeros(0x5000, 0x1000);
        memory_.put<uint32_t>(0x5000, 1);
        memory_.put<uint64_t>(0x5100, 0x10000);
        memory_.put<uint64_t>(0x5200, 1);
        memory_.mapZeros(kRq, 0x1000);
        for (uint64_t i = 0; i < 2; ++i) { // empty RT queues point at themselves
            const uint64_t head = kRq + 0x400 + 0x10 + 16 * i;
            memory_.put<uint64_t>(head, head);
            memory_.put<uint64_t>(head + 8, head);
        }
        for (int i = 0; i < 3; ++i) {
            memory_.mapZeros(taskAt(i), 0x1000);
            memory_.put<uint32_t>(taskAt(i) + 0x10, static_cast<uint32_t>(120 + i));
        }
        memory_.put<uint64_t>(kRq, taskAt(2)); // curr
        // The tree: task 1 at the root, task 0 left, task 2 right.
        memory_.put<uint64_t>(kCfsRq + 0x8, nodeOf(1));
        memory_.put<uint64_t>(nodeOf(1) + 0x10, nodeOf(0));
        memory_.put<uint64_t>(nodeOf(1) + 0x8, nodeOf(2));
    }

    std::vector<RunQueue> read() {
        auto perCpu = PerCpu::read(view_);
        EXPECT_TRUE(perCpu) << perCpu.error().message;
        auto queues = readRunQueues(view_, *perCpu);
        EXPECT_TRUE(queues) << queues.error().message;
        return queues ? *queues : std::vector<RunQueue>{};
    }

    testing::FakeMemory memory_;
    testing::FakeLayouts layouts_;
    symbols::SymbolTable symbols_;
    KernelView view_;
};

TEST_F(RunQueues, TheTreeIsReadInOrder) {
    auto queues = read();
    ASSERT_EQ(queues.size(), 1u);
    EXPECT_EQ(queues[0].current, taskAt(2));
    ASSERT_EQ(queues[0].cfs.size(), 3u);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(queues[0].cfs[static_cast<size_t>(i)].task, taskAt(i));
        EXPECT_EQ(queues[0].cfs[static_cast<size_t>(i)].prio, 120 + i);
    }
    EXPECT_TRUE(queues[0].rt.empty());
    EXPECT_TRUE(queues[0].warnings.empty());
}

TEST_F(RunQueues, ANodeThatIsItsOwnChildEndsTheWalk) {
    memory_.put<uint64_t>(nodeOf(0) + 0x10, nodeOf(0));
    auto queues = read();
    ASSERT_EQ(queues.size(), 1u);
    ASSERT_FALSE(queues[0].warnings.empty());
    EXPECT_NE(queues[0].warnings[0].find("more than"), std::string::npos) << queues[0].warnings[0];
}

TEST_F(RunQueues, ATaskGroupQueueingItsOwnParentEndsTheWalk) {
    memory_.put<uint64_t>(taskAt(0) + 0x200 + 0x80, kCfsRq); // task 0's entity "is" a group
    auto queues = read();
    ASSERT_EQ(queues.size(), 1u);
    ASSERT_FALSE(queues[0].warnings.empty());
    EXPECT_EQ(queues[0].warnings[0], "task groups nested deeper than 16");
}

TEST_F(RunQueues, AnUnreadableChildIsAWarningAndThePartialQueue) {
    memory_.put<uint64_t>(nodeOf(1) + 0x8, 0xdead0000); // right child not in the dump
    auto queues = read();
    ASSERT_EQ(queues.size(), 1u);
    // The two readable tasks stay; the bad node is named.
    ASSERT_EQ(queues[0].cfs.size(), 2u);
    EXPECT_EQ(queues[0].cfs[0].task, taskAt(0));
    EXPECT_EQ(queues[0].cfs[1].task, taskAt(1));
    ASSERT_FALSE(queues[0].warnings.empty());
    EXPECT_NE(queues[0].warnings[0].find("0xdead0010"), std::string::npos)
        << queues[0].warnings[0];
}

} // namespace
} // namespace panicscope::kernel
