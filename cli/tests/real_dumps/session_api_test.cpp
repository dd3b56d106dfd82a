// The core API on real dumps: what the GUI, triage and scripts will rely on beyond the CLI's
// output -- parallel traces equal to one-by-one ones, cancel, memory with its holes marked,
// disassembly, module symbols, and the index cache changing nothing.
#include "dump_manifest.h"
#include "model/session.h"
#include "open_session.h"
#include "opened_kernel.h"
#include "report/json_report.h"
#include "run_cli.h"
#include "util/hex.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

namespace panicscope::testing {
namespace {

TEST(SessionApi, ParallelTracesEqualOneByOneAndCancelStops) {
    const auto& row = manifestRow("irq", "kdump", "kdump-zlib");
    auto session = openSession(row);
    auto tasks = session->selectTasks({model::TaskSelection::Kind::All, {}});
    ASSERT_TRUE(tasks) << tasks.error().message;
    std::vector<std::string> parallel(tasks->size());
    std::mutex lock;
    size_t progressCalls = 0;
    auto done = session->backtraces(
        *tasks, {true},
        [&](size_t i, const model::TaskRow& t, unwind::StackTrace trace) {
            parallel[i] = report::taskBacktraceJson(t, trace).dump();
        },
        [&](size_t n, size_t total) {
            std::lock_guard guard(lock);
            ++progressCalls;
            EXPECT_LE(n, total);
        });
    ASSERT_TRUE(done) << done.error().message;
    EXPECT_EQ(progressCalls, tasks->size());
    for (size_t i = 0; i < tasks->size(); ++i) {
        auto one = session->backtrace((*tasks)[i], {true});
        ASSERT_TRUE(one);
        EXPECT_EQ(parallel[i], report::taskBacktraceJson((*tasks)[i], *one).dump())
            << "pid " << (*tasks)[i].pid;
    }
    model::CancelToken cancel;
    size_t delivered = 0;
    auto stopped = session->backtraces(
        *tasks, {false},
        [&](size_t, const model::TaskRow&, unwind::StackTrace) {
            std::lock_guard guard(lock);
            if (++delivered == 3) cancel.cancel();
        },
        {}, &cancel);
    ASSERT_FALSE(stopped);
    EXPECT_EQ(stopped.error().code, Errc::Cancelled);
    EXPECT_LT(delivered, tasks->size());
}

TEST(SessionApi, MemoryReadsMarkWhatTheDumpLacks) {
    const auto& row = manifestRow("process", "kdump", "kdump-zlib");
    auto session = openSession(row);
    auto crashing = session->crashingTask();
    ASSERT_TRUE(crashing && *crashing);
    const OpenedKernel kernel(row.dump, row.vmlinux);
    // The task_struct is in the dump: bytes as the kernel model reads them.
    auto block = session->readMemory((*crashing)->address, 64);
    ASSERT_TRUE(block) << block.error().message;
    EXPECT_TRUE(block->missing.empty());
    std::vector<std::byte> direct(64);
    ASSERT_TRUE(kernel.dump->read((*crashing)->address, direct));
    EXPECT_EQ(0, std::memcmp(block->bytes.data(), direct.data(), 64));
    // An unmapped hole of the address space: the range is marked, the read still answers.
    const uint64_t hole = 0xffffc9ffffff0000;
    auto holes = session->readMemory(hole - 4096, 3 * 4096);
    ASSERT_TRUE(holes) << holes.error().message;
    ASSERT_FALSE(holes->missing.empty());
    EXPECT_TRUE(holes->missingReason);
    EXPECT_FALSE(holes->present(hole));
    EXPECT_FALSE(session->readMemory(0, 65u << 20));
}

TEST(SessionApi, DisassemblyCoversTheFunctionAndNamesItsCalls) {
    const auto& row = manifestRow("process", "kdump", "kdump-zlib");
    auto session = openSession(row);
    auto symbol = session->lookupSymbol("sysrq_handle_crash");
    ASSERT_TRUE(symbol);
    auto lines = session->disassembleFunction("sysrq_handle_crash");
    ASSERT_TRUE(lines) << lines.error().message;
    ASSERT_FALSE(lines->empty());
    EXPECT_EQ(lines->front().instruction.address, symbol->address);
    uint64_t next = symbol->address;
    bool namedCall = false;
    for (const auto& l : *lines) {
        EXPECT_EQ(l.instruction.address, next);
        next += l.instruction.bytes.size();
        if (l.instruction.isCall && l.target && l.target->starts_with("panic+")) namedCall = true;
    }
    EXPECT_TRUE(namedCall) << "sysrq_handle_crash calls panic()";
    EXPECT_EQ(lines->front().file, std::optional<std::string>("drivers/tty/sysrq.c"));
    EXPECT_FALSE(session->disassembleFunction("no_such_function_anywhere"));
}

TEST(SessionApi, ModuleAddressesAreNamedWithTheirModule) {
    const auto& row = manifestRow("mod-null", "kdump", "kdump-zlib");
    auto session = openSession(row);
    auto modules = session->modules();
    ASSERT_TRUE(modules) << modules.error().message;
    auto psc = std::find_if(modules->begin(), modules->end(),
                            [](const auto& m) { return m.name == "panicscope_crash"; });
    ASSERT_NE(psc, modules->end());
    EXPECT_TRUE(psc->hasOrc);
    EXPECT_FALSE(psc->hasDebugInfo); // no --module-dir
    auto s = session->symbolize(psc->textBase + 0x10);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->module, std::optional<std::string>("panicscope_crash"));
}

TEST(SessionApi, TheIndexCacheChangesNoOutput) {
    const auto& row = manifestRow("irq", "kdump", "kdump-zlib");
    const auto dir =
        std::filesystem::temp_directory_path() / ("psidx-real-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    auto run = [&](const char* index) {
        ::setenv("PANICSCOPE_INDEX_DIR", index, 1);
        auto r = runCli({"bt", "-a", "--json", row.dump, "--vmlinux", row.vmlinux});
        auto table = runCli({"entry-table", row.dump, "--vmlinux", row.vmlinux});
        ::unsetenv("PANICSCOPE_INDEX_DIR");
        EXPECT_EQ(r.status, 0) << r.err;
        return r.out + table.out;
    };
    const std::string off = run("");
    const std::string cold = run(dir.c_str());
    EXPECT_TRUE(std::filesystem::exists(dir));
    const std::string warm = run(dir.c_str());
    EXPECT_EQ(cold, off);
    EXPECT_EQ(warm, off);
    std::filesystem::remove_all(dir);
}

// A kernel without BTF takes its layouts from DWARF: the first run that reads every unit keeps
// the name index (dwarf-type-names); a run that loads it answers every question as one that
// reads the units: found, missing (no struct module without modules), typedef or struct,
// enumerators and variables.
TEST(SessionApi, TheStoredDwarfTypeIndexChangesNoOutput) {
    const auto& row = manifestRow(kFramePointerKernel, "process", "kdump", "kdump-zlib");
    const auto dir =
        std::filesystem::temp_directory_path() / ("psidx-dwarf-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    const std::vector<std::vector<std::string>> commands = {
        {"bt", "-a"},           {"struct", "module"},    {"struct", "task_struct"},
        {"struct", "pgd_t"},    {"p", "system_state"},   {"p", "jiffies"},
        {"whatis", "schedule"}, {"struct", "pg_data_t"}, {"p", "init_task.comm"}};
    auto run = [&](const char* index) {
        ::setenv("PANICSCOPE_INDEX_DIR", index, 1);
        std::string all;
        for (auto args : commands) {
            args.insert(args.end(), {row.dump, "--vmlinux", row.vmlinux});
            const auto r = runCli(args);
            all += r.out + r.err + "status " + std::to_string(r.status) + "\n";
        }
        ::unsetenv("PANICSCOPE_INDEX_DIR");
        return all;
    };
    const std::string off = run("");
    const std::string cold = run(dir.c_str());
    bool stored = false;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
        stored |= entry.path().filename() == "dwarf-type-names";
    EXPECT_TRUE(stored);
    const std::string warm = run(dir.c_str());
    EXPECT_NE(off.find("no struct module in the debug info"), std::string::npos) << off;
    EXPECT_NE(off.find("system_state = SYSTEM_RUNNING"), std::string::npos) << off;
    EXPECT_EQ(cold, off);
    EXPECT_EQ(warm, off);
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace panicscope::testing
