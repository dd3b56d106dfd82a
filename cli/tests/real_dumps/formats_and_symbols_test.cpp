// What a dump format and the symbols must get right, on real generated dumps: split sets,
// pages makedumpfile filtered out, sym against System.map, the log's JSON.
#include "console_oracle.h"
#include "dump/dump_file.h"
#include "dump_manifest.h"
#include "run_cli.h"
#include "temp_files.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace panicscope::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

TEST(SplitDump, PartsTogetherAreTheWholeDumpAndOnePartWarns) {
    const auto& row = manifestRow("process", "kdump", "kdump-zlib");
    const std::string part1 = tempPath("split1"), part2 = tempPath("split2");
    const std::string command = "makedumpfile --split -c -d 31 '" + row.dump + "' '" + part1 +
                                "' '" + part2 + "' > /dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    const auto whole = runCli({"info", "--json", row.dump, "--vmlinux", row.vmlinux});
    const auto split =
        runCli({"info", "--json", part1, "--split", part2, "--vmlinux", row.vmlinux});
    ASSERT_EQ(whole.status, 0) << whole.err;
    ASSERT_EQ(split.status, 0) << split.err;
    const json a = json::parse(whole.out), b = json::parse(split.out);
    EXPECT_EQ(b["format"], "kdump-compressed (zlib), split into 2");
    for (const char* key : {"release", "panic_message", "panic_cpu", "crashing_task", "cpus"})
        EXPECT_EQ(a[key], b[key]) << key;
    const auto psWhole = runCli({"ps", "--json", row.dump, "--vmlinux", row.vmlinux});
    const auto psSplit =
        runCli({"ps", "--json", part1, "--split", part2, "--vmlinux", row.vmlinux});
    EXPECT_EQ(json::parse(psWhole.out)["tasks"], json::parse(psSplit.out)["tasks"]);

    const auto alone = runCli({"info", part1, "--vmlinux", row.vmlinux});
    EXPECT_TRUE(alone.err.starts_with("panicscope: warning: " + part1 +
                                      ": is one part of a makedumpfile --split set (page frames "
                                      "0x0 to "))
        << alone.err;
    EXPECT_NE(alone.err.find("); give the other parts with --split FILE (results may be partial)"),
              std::string::npos)
        << alone.err;
    fs::remove(part1);
    fs::remove(part2);
}

// makedumpfile -d 31 drops free, cache, user and zero pages: reading one must fail as "not in
// the dump", never give zeros. The ELF dump of the same boot has every page.
TEST(FilteredPages, AreReportedNotInTheDump) {
    const auto& full = manifestRow("process", "qemu", "elf");
    const auto& filtered = manifestRow("process", "qemu", "mdf-zlib");
    auto elf = dump::DumpFile::open({full.dump});
    auto mdf = dump::DumpFile::open({filtered.dump});
    ASSERT_TRUE(elf) << elf.error().message;
    ASSERT_TRUE(mdf) << mdf.error().message;
    size_t present = 0, filteredOut = 0;
    std::vector<std::byte> a(4096), b(4096);
    // Every 64 KiB of the guest's 512 MB: kernel image, page tables, free and user memory.
    for (uint64_t page = 0; page < (512u << 20); page += 0x10000) {
        if (!(*elf)->read(page, a, dump::AddressSpace::Physical)) continue;
        auto r = (*mdf)->read(page, b, dump::AddressSpace::Physical);
        if (r) {
            EXPECT_EQ(a, b) << "page " << page << " differs between the ELF and the kdump file";
            ++present;
            continue;
        }
        EXPECT_EQ(r.error().code, Errc::NotInDump);
        std::ostringstream expected;
        expected << "physical address 0x" << std::hex << page
                 << " is not in the dump (page filtered out or not captured)";
        EXPECT_EQ(r.error().message, expected.str());
        ++filteredOut;
    }
    EXPECT_GT(present, 100u);
    EXPECT_GT(filteredOut, 100u);
}

// System.map is the linker's word on every symbol's address.
TEST(Sym, AgreesWithSystemMapAndTheSourceTree) {
    const auto& row = manifestRow("process", "kdump", "kdump-zlib");
    const fs::path map = fs::path(row.vmlinux).parent_path() / "System.map";
    std::ifstream in(map);
    ASSERT_TRUE(in) << map;
    std::map<std::string, uint64_t> linked;
    std::string address, type, name;
    while (in >> address >> type >> name)
        linked[name] = std::stoull(address, nullptr, 16);
    const auto info = runCli({"info", "--json", row.dump, "--vmlinux", row.vmlinux});
    ASSERT_EQ(info.status, 0) << info.err;
    const uint64_t kaslr =
        std::stoull(json::parse(info.out)["kaslr_offset"].get<std::string>(), nullptr, 16);
    const std::map<std::string, std::string> files = {{"sysrq_handle_crash", "drivers/tty/sysrq.c"},
                                                      {"panic", "kernel/panic.c"},
                                                      {"__schedule", "kernel/sched/core.c"}};
    for (const auto& [function, file] : files) {
        SCOPED_TRACE(function);
        ASSERT_TRUE(linked.contains(function));
        auto byName = runCli({"sym", "--json", function, row.dump, "--vmlinux", row.vmlinux});
        ASSERT_EQ(byName.status, 0) << byName.err;
        const json s = json::parse(byName.out);
        std::ostringstream expected;
        expected << "0x" << std::hex << linked[function] + kaslr;
        EXPECT_EQ(s["address"], expected.str());
        EXPECT_EQ(s["offset"], 0);
        EXPECT_EQ(s["file"], file);
        EXPECT_GT(s["line"].get<int>(), 0);
        std::ostringstream inside;
        inside << "0x" << std::hex << linked[function] + kaslr + 0x10;
        auto byAddress =
            runCli({"sym", "--json", inside.str(), row.dump, "--vmlinux", row.vmlinux});
        ASSERT_EQ(byAddress.status, 0) << byAddress.err;
        const json t = json::parse(byAddress.out);
        EXPECT_EQ(t["symbol"], function);
        EXPECT_EQ(t["offset"], 0x10);
        EXPECT_EQ(t["file"], file);
    }
    auto missing = runCli({"sym", "no_such_symbol_anywhere", row.dump, "--vmlinux", row.vmlinux});
    EXPECT_EQ(missing.status, 1);
    EXPECT_EQ(missing.err,
              "panicscope: no symbol named 'no_such_symbol_anywhere' (nor is it a hex address)\n");
}

TEST(LogJson, RecordsCarryTheConsolesText) {
    const auto& row = manifestRow("process", "qemu", "mdf-zlib");
    const auto console = readConsole(row.console);
    const auto r = runCli({"log", "--json", row.dump, "--vmlinux", row.vmlinux});
    ASSERT_EQ(r.status, 0) << r.err;
    const json log = json::parse(r.out);
    ASSERT_GT(log["records"].size(), 100u);
    EXPECT_EQ(log["warnings"], json::array());
    uint64_t lastSeq = 0;
    bool first = true, panicFound = false;
    for (const auto& rec : log["records"]) {
        ASSERT_TRUE(rec["seq"].is_number_unsigned());
        ASSERT_TRUE(rec["timestamp_ns"].is_number_unsigned());
        ASSERT_TRUE(rec["level"].is_number() && rec["level"] <= 7);
        ASSERT_TRUE(rec["text"].is_string());
        if (!first) {
            EXPECT_GT(rec["seq"].get<uint64_t>(), lastSeq);
        }
        first = false;
        lastSeq = rec["seq"];
        if (rec["text"] == "Kernel panic - not syncing: " + *console.panicMessage) {
            panicFound = true;
            EXPECT_EQ(rec["level"], 0); // KERN_EMERG
        }
    }
    EXPECT_TRUE(panicFound);
}

} // namespace
} // namespace panicscope::testing

namespace panicscope::testing {
namespace {

// crash_setup_regs() is a static inline in asm/kexec.h that __crash_kexec() calls to take the
// panic CPU's registers, and proc_reg_write() inlines pde_write(): both must show as inline
// frames, innermost first, each at its own source line.
TEST(InlineFrames, KdumpPanicCpuStartsInInlinedCrashSetupRegs) {
    const auto& row = manifestRow("process", "kdump", "kdump-zlib");
    const auto r = runCli({"bt", "--json", row.dump, "--vmlinux", row.vmlinux});
    ASSERT_EQ(r.status, 0) << r.err;
    const json frames = json::parse(r.out)["tasks"][0]["frames"];
    ASSERT_GE(frames.size(), 2u);
    EXPECT_EQ(frames[0]["function"], "crash_setup_regs");
    EXPECT_EQ(frames[0]["inline"], true);
    EXPECT_EQ(frames[0]["file"], "arch/x86/include/asm/kexec.h");
    EXPECT_EQ(frames[1]["function"], "__crash_kexec");
    EXPECT_EQ(frames[1]["inline"], false);
    EXPECT_EQ(frames[1]["file"], "kernel/kexec_core.c");
    EXPECT_EQ(frames[0]["pc"], frames[1]["pc"]);
    bool pdeWrite = false;
    for (size_t i = 0; i + 1 < frames.size(); ++i)
        if (frames[i]["function"] == "pde_write") {
            pdeWrite = true;
            EXPECT_EQ(frames[i]["inline"], true);
            EXPECT_EQ(frames[i]["file"], "fs/proc/inode.c");
            EXPECT_EQ(frames[i + 1]["function"], "proc_reg_write");
            EXPECT_EQ(frames[i + 1]["inline"], false);
        }
    EXPECT_TRUE(pdeWrite);
}

} // namespace
} // namespace panicscope::testing
