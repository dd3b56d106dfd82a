// findMutexWait on synthetic memory: the waiter on the task's stack leads through the wait ring
// to the mutex (another sleeper's waiter on the ring skipped), the owner's flag bits are cut off;
// a stack with no waiter, a waiter whose list is not linked, a ring that loops or has two
// candidates for the wait_list give no wait, and nothing is read past the bounds.
#include "kernel/mutex_wait.h"

#include "fake_memory.h"

#include <gtest/gtest.h>

#include <map>

namespace panicscope::kernel {
namespace {

constexpr uint64_t kThreadSize = 0x4000;
constexpr uint64_t kStackA = 0xffffc90000100000, kStackB = 0xffffc90000200000;
constexpr uint64_t kTaskA = 0xffff888001000000, kTaskB = 0xffff888002000000;
constexpr uint64_t kOwner = 0xffff888003000000;
constexpr uint64_t kMutex = 0xffffffffc0400040; // owner at +0, wait_list at +0x18
// mutex_waiter: list at +0, task at +0x10; each on its task's stack.
constexpr uint64_t kWaiterA = kStackA + 0x3e00, kWaiterB = kStackB + 0x3e00;

testing::FakeLayouts layouts() {
    testing::FakeLayouts l;
    l.add("mutex_waiter", "list", 0, 16);
    l.add("mutex_waiter", "task", 0x10, 8);
    l.add("mutex", "owner", 0, 8);
    l.add("mutex", "wait_list", 0x18, 16);
    l.add("list_head", "next", 0, 8);
    l.add("list_head", "prev", 8, 8);
    return l;
}

struct World {
    testing::FakeMemory memory;
    std::map<uint64_t, Task> tasks;
    World() {
        memory.mapZeros(kStackA, kThreadSize);
        memory.mapZeros(kStackB, kThreadSize);
        memory.mapZeros(kMutex, 0x40);
        for (auto [address, stack] : {std::pair{kTaskA, kStackA}, std::pair{kTaskB, kStackB},
                                      std::pair{kOwner, 0xffffc90000300000}}) {
            Task t;
            t.address = address;
            t.stack = stack;
            t.threadSp = stack + 0x3c00;
            tasks[address] = t;
        }
        // The ring: wait_list -> A -> B -> wait_list.
        link(kMutex + 0x18, kWaiterA);
        link(kWaiterA, kWaiterB);
        link(kWaiterB, kMutex + 0x18);
        memory.put<uint64_t>(kWaiterA + 0x10, kTaskA);
        memory.put<uint64_t>(kWaiterB + 0x10, kTaskB);
        memory.put<uint64_t>(kMutex, kOwner | 0x1); // MUTEX_FLAG_WAITERS
    }
    void link(uint64_t from, uint64_t to) {
        memory.put<uint64_t>(from, to);     // from->next
        memory.put<uint64_t>(to + 8, from); // to->prev
    }
    Result<std::optional<MutexWait>> find(uint64_t task) const {
        const symbols::SymbolTable symbols;
        const testing::FakeLayouts l = layouts();
        const KernelView view(memory, symbols, l, 0);
        return findMutexWait(view, tasks.at(task), kThreadSize, [&](uint64_t a) -> const Task* {
            auto it = tasks.find(a);
            return it == tasks.end() ? nullptr : &it->second;
        });
    }
};

TEST(MutexWait, TheWaiterLeadsToTheMutexAndItsOwner) {
    World w;
    for (uint64_t task : {kTaskA, kTaskB}) {
        auto wait = w.find(task);
        ASSERT_TRUE(wait) << wait.error().message;
        ASSERT_TRUE(*wait);
        EXPECT_EQ((*wait)->mutex, kMutex);
        EXPECT_EQ((*wait)->owner, kOwner); // the flag bit cut off
        EXPECT_EQ((*wait)->waiters, 2u);
        EXPECT_EQ((*wait)->waiter, task == kTaskA ? kWaiterA : kWaiterB);
    }
}

TEST(MutexWait, NoWaiterNoWait) {
    World w;
    w.memory.put<uint64_t>(kWaiterA + 0x10, 0); // A's task field gone: nothing names A
    auto wait = w.find(kTaskA);
    ASSERT_TRUE(wait);
    EXPECT_FALSE(*wait);
}

TEST(MutexWait, AnUnlinkedOrLoopingRingIsNoWait) {
    {
        World w;
        w.memory.put<uint64_t>(kWaiterB + 8, 0x1234); // B->prev does not lead back to A
        auto wait = w.find(kTaskA);
        ASSERT_TRUE(wait);
        EXPECT_FALSE(*wait);
    }
    {
        World w; // B -> A: a ring that never returns through the wait_list
        w.link(kWaiterB, kWaiterA);
        w.memory.put<uint64_t>(kMutex + 0x18 + 8, kWaiterB);
        auto wait = w.find(kTaskB);
        ASSERT_TRUE(wait);
        EXPECT_FALSE(*wait);
    }
    {
        World w; // B's task is no task: two nodes could be the wait_list
        w.memory.put<uint64_t>(kWaiterB + 0x10, 0xffff888009000000);
        auto wait = w.find(kTaskA);
        ASSERT_TRUE(wait);
        EXPECT_FALSE(*wait);
    }
}

TEST(MutexWait, AnUnreadableStackOrMissingLayoutIsAnError) {
    World w;
    Task lost = w.tasks.at(kTaskA);
    lost.stack = 0xffffc90000900000; // not in the dump
    lost.threadSp = 0;
    w.tasks[kTaskA] = lost;
    EXPECT_FALSE(w.find(kTaskA));
}

} // namespace
} // namespace panicscope::kernel
