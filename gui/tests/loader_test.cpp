// The loader on real dumps: the facts come before any stack, every task's stack comes once,
// a cancel stops the unwind and keeps what came, and the next dump opens cleanly after it.
#include "dump_loader.h"
#include "dump_manifest.h"
#include "real_dump_options.h"
#include "wait.h"

#include <gtest/gtest.h>

#include <QSignalSpy>

#include <set>

namespace panicscope::gui::testing {
namespace {

using panicscope::testing::manifestRow;

// Records what the loader says, in order.
struct Recorder {
    explicit Recorder(DumpLoader& loader) {
        QObject::connect(&loader, &DumpLoader::opened, [this](auto dump) {
            events.push_back("opened");
            this->dump = dump;
        });
        QObject::connect(&loader, &DumpLoader::tracesReady,
                         [this](const std::vector<TaskTrace>& batch, size_t done, size_t total) {
                             if (events.empty() || events.back() != "traces")
                                 events.push_back("traces");
                             for (const auto& t : batch)
                                 tasks.insert(t.task);
                             delivered += batch.size();
                             EXPECT_EQ(done, delivered);
                             this->total = total;
                         });
    }
    void reset() {
        events.clear();
        tasks.clear();
        delivered = 0;
    }
    std::vector<std::string> events;
    std::shared_ptr<const LoadedDump> dump;
    std::set<size_t> tasks;
    size_t delivered = 0, total = 0;
};

TEST(DumpLoader, CancelMidwayThenOpenAnotherDump) {
    DumpLoader loader;
    Recorder seen(loader);
    QSignalSpy finished(&loader, &DumpLoader::unwindFinished);
    QSignalSpy idle(&loader, &DumpLoader::idle);
    loader.open(optionsFor(manifestRow("scale", "kdump", "kdump-zlib")));
    ASSERT_TRUE(waitUntil([&] { return seen.delivered > 0; }));
    ASSERT_EQ(seen.events.front(), "opened"); // the task list before any stack
    const size_t tasks = seen.dump->tasks.size();
    EXPECT_GT(tasks, 3000u);
    ASSERT_TRUE(seen.dump->crashingTask);
    EXPECT_TRUE(seen.tasks.count(*seen.dump->crashingTask)); // its stack comes first

    loader.cancel();
    ASSERT_EQ(finished.count(), 1);
    EXPECT_TRUE(finished[0][0].toBool()); // cancelled
    EXPECT_EQ(idle.count(), 1);
    EXPECT_FALSE(loader.busy());
    const size_t kept = seen.delivered;
    EXPECT_LT(kept, tasks);
    EXPECT_EQ(seen.tasks.size(), kept); // none twice
    QTest::qWait(300);
    EXPECT_EQ(seen.delivered, kept); // nothing more from the cancelled unwind

    seen.reset();
    const auto& irq = manifestRow("irq", "kdump", "kdump-zlib");
    loader.open(optionsFor(irq));
    ASSERT_TRUE(waitUntil([&] { return finished.count() == 2; }));
    EXPECT_FALSE(finished[1][0].toBool());
    EXPECT_EQ(finished[1][1].toString(), "");
    ASSERT_EQ(seen.events.front(), "opened");
    EXPECT_EQ(seen.dump->session->dumpPath(), irq.dump);
    EXPECT_EQ(seen.delivered, seen.dump->tasks.size());
    EXPECT_EQ(seen.tasks.size(), seen.dump->tasks.size()); // every task once
    EXPECT_EQ(loader.current(), seen.dump);
    ASSERT_TRUE(waitUntil([&] { return idle.count() == 2; }));
}

TEST(DumpLoader, ASecondOpenReplacesOneStillOpening) {
    DumpLoader loader;
    Recorder seen(loader);
    QSignalSpy idle(&loader, &DumpLoader::idle);
    loader.open(optionsFor(manifestRow("scale", "kdump", "kdump-zlib")));
    const auto& irq = manifestRow("irq", "kdump", "kdump-zlib");
    loader.open(optionsFor(irq));
    ASSERT_TRUE(waitUntil([&] { return !loader.busy(); }));
    ASSERT_EQ(seen.events.size(), 2u);
    EXPECT_EQ(seen.events[0], "opened");
    EXPECT_EQ(seen.dump->session->dumpPath(), irq.dump); // only the second dump's results
    EXPECT_EQ(seen.delivered, seen.dump->tasks.size());
}

TEST(DumpLoader, UnwindsWhatACancelLeftOut) {
    DumpLoader loader;
    Recorder seen(loader);
    QSignalSpy finished(&loader, &DumpLoader::unwindFinished);
    loader.open(optionsFor(manifestRow("scale", "kdump", "kdump-zlib")));
    ASSERT_TRUE(waitUntil([&] { return seen.dump != nullptr; }));
    loader.cancel();
    std::vector<size_t> rest;
    for (size_t i = 0; i < seen.dump->tasks.size(); ++i)
        if (!seen.tasks.count(i)) rest.push_back(i);
    ASSERT_FALSE(rest.empty());
    seen.delivered = 0; // the new unwind counts its own tasks
    // A cancel before the unwind got going ends no unwind: count from here.
    const auto before = finished.count();
    loader.unwind(rest);
    ASSERT_TRUE(waitUntil([&] { return finished.count() == before + 1; }));
    EXPECT_FALSE(finished.back()[0].toBool());
    EXPECT_EQ(seen.delivered, rest.size());
    EXPECT_EQ(seen.total, rest.size());
    EXPECT_EQ(seen.tasks.size(), seen.dump->tasks.size());
}

} // namespace
} // namespace panicscope::gui::testing
