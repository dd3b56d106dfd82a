// The batch engine behind Session::backtraces: every item once, progress serialised and
// counted, a cancel that stops the rest.
#include "util/ordered_writer.h"
#include "util/parallel_batch.h"

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

namespace panicscope {
namespace {

TEST(ParallelBatch, RunsEveryItemOnceAndReportsProgressInOrder) {
    std::vector<std::atomic<int>> runs(1000);
    std::vector<size_t> seen;
    auto r = runParallel(
        runs.size(), [&](size_t i) { ++runs[i]; },
        [&](size_t done, size_t total) {
            EXPECT_EQ(total, 1000u);
            seen.push_back(done); // serialised: no lock needed here
        },
        {}, 4);
    EXPECT_EQ(r.done, 1000u);
    EXPECT_FALSE(r.cancelled);
    for (const auto& n : runs)
        EXPECT_EQ(n.load(), 1);
    ASSERT_EQ(seen.size(), 1000u);
    for (size_t i = 0; i < seen.size(); ++i)
        EXPECT_EQ(seen[i], i + 1);
}

TEST(ParallelBatch, StopsWhenCancelledAndSaysSo) {
    std::atomic<size_t> ran{0};
    std::atomic<bool> cancel{false};
    auto r = runParallel(
        10000,
        [&](size_t) {
            if (++ran == 50) cancel = true;
        },
        {}, [&] { return cancel.load(); }, 2);
    EXPECT_TRUE(r.cancelled);
    EXPECT_EQ(r.done, ran.load());
    EXPECT_LT(ran.load(), 60u); // each thread finishes at most the item it had begun
}

TEST(ParallelBatch, NothingToDo) {
    auto r = runParallel(0, [](size_t) { FAIL(); });
    EXPECT_EQ(r.done, 0u);
    EXPECT_FALSE(r.cancelled);
}

TEST(OrderedWriter, EmitsInIndexOrderWhateverOrderItemsArrive) {
    std::string out;
    OrderedWriter<std::string> writer(
        [&](size_t i, std::string& s) { out += std::to_string(i) + s; });
    writer.put(2, "c");
    writer.put(0, "a");
    EXPECT_EQ(out, "0a");
    writer.put(3, "d");
    writer.put(1, "b");
    EXPECT_EQ(out, "0a1b2c3d");
}

TEST(OrderedWriter, FromManyThreads) {
    std::vector<size_t> order;
    OrderedWriter<size_t> writer([&](size_t i, size_t& v) {
        EXPECT_EQ(i, v);
        order.push_back(v);
    });
    runParallel(
        500, [&](size_t i) { writer.put(i, i); }, {}, {}, 4);
    ASSERT_EQ(order.size(), 500u);
    for (size_t i = 0; i < order.size(); ++i)
        EXPECT_EQ(order[i], i);
}

} // namespace
} // namespace panicscope
