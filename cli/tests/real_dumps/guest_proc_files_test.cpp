// mod and kmem -i against the crashed kernel's own /proc/modules and /proc/meminfo, which the
// guest printed right before the crash (testdata/guest/init: "PSCMODULES <line>" and
// "PSCMEMINFO <line>" between "PANICSCOPE: NAME-BEGIN" and "PANICSCOPE: NAME-END").
#include "dump_manifest.h"
#include "run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace panicscope::testing {
namespace {

using nlohmann::json;

// The lines of the guest's copy of /proc/<name> ("MODULES", "MEMINFO"); throws unless the copy
// is complete.
std::vector<std::string> guestProcFile(const std::string& console, const std::string& name) {
    std::ifstream in(console);
    const std::string begin = "PANICSCOPE: " + name + "-BEGIN",
                      end = "PANICSCOPE: " + name + "-END", prefix = "PSC" + name + " ";
    std::vector<std::string> lines;
    bool inside = false;
    for (std::string line; std::getline(in, line);) {
        if (line.find(begin) != std::string::npos) {
            inside = true;
            lines.clear();
        } else if (inside && line.find(end) != std::string::npos) {
            return lines;
        } else if (const auto at = line.find(prefix); inside && at != std::string::npos) {
            lines.push_back(line.substr(at + prefix.size()));
        }
    }
    throw std::runtime_error(console + " has no complete /proc copy " + name);
}

std::vector<std::string> words(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> out;
    for (std::string w; in >> w;)
        out.push_back(w);
    return out;
}

json cliJson(const std::vector<std::string>& args, const DumpRow& row) {
    std::vector<std::string> all = args;
    all.insert(all.end(), {"--json", row.dump, "--vmlinux", row.vmlinux});
    const auto r = runCli(all);
    EXPECT_EQ(r.status, 0) << r.err;
    return json::parse(r.out);
}

// /proc/modules: "name size refcount deps state address [(taints)]".
class ModulesAsProcModules : public ::testing::TestWithParam<DumpCase> {};

TEST_P(ModulesAsProcModules, NamesSizesBasesAndTaintsAreTheKernels) {
    const auto& row = manifestRow(GetParam());
    std::map<std::string, std::string> kernel, ours; // name -> "size base taints"
    for (const auto& line : guestProcFile(row.console, "MODULES")) {
        const auto w = words(line);
        ASSERT_GE(w.size(), 6u) << line;
        const std::string taints = w.size() > 6 ? w[6].substr(1, w[6].size() - 2) : "";
        kernel[w[0]] = w[1] + " " + w[5] + " " + taints;
    }
    ASSERT_TRUE(kernel.contains("panicscope_crash"));
    const json mod = cliJson({"mod"}, row);
    for (const auto& m : mod["modules"])
        ours[m["name"]] = std::to_string(m["size"].get<uint64_t>()) + " " +
                          m["base"].get<std::string>() + " " + m["taints"].get<std::string>();
    EXPECT_EQ(ours, kernel);
    EXPECT_EQ(mod["warnings"].size(), 0u) << mod["warnings"];
}

INSTANTIATE_TEST_SUITE_P(
    DebianKernels, ModulesAsProcModules,
    ::testing::Values(DumpCase{kMainKernel, "mod-bug", "kdump", "kdump-zlib"},
                      DumpCase{"6.12.117+deb12-cloud-amd64", "mod-bug", "kdump", "kdump-zlib"},
                      DumpCase{kMainKernel, "mod-overflow", "qemu", "elf-paging"},
                      DumpCase{"6.12.117+deb12-cloud-amd64", "mod-overflow", "qemu", "elf-paging"}),
    [](const auto& info) { return caseName(info.param); });

// /proc/meminfo's "Key: N kB" lines, in kB.
std::map<std::string, int64_t> meminfo(const std::string& console) {
    std::map<std::string, int64_t> out;
    for (const auto& line : guestProcFile(console, "MEMINFO")) {
        const auto w = words(line);
        if (w.size() >= 2 && w[0].ends_with(':'))
            out[w[0].substr(0, w[0].size() - 1)] = std::stoll(w[1]);
    }
    return out;
}

// How far a counter that moves may be from what the guest printed, in kB. Between the copy and
// the crash the guest starts `taskset` and the crashing `sh` (task structs, stacks, page tables,
// anonymous pages) and the kernel prints its oops; vmstat folds its per-CPU deltas in the
// meantime. On the 16 mod-* kdumps of both kernels the counters moved by at most 1812 kB (MemFree
// of 6.12's mod-softlockup, which spins 4 s first; 880 kB on mod-bug); Committed_AS by 336 kB.
// 4 MiB is about twice the worst. Counts that cannot move (MemTotal, swap, huge pages,
// CommitLimit, Buffers: no block device is used) must be exact.
constexpr int64_t kDrift = 4096;

class KmemAsProcMeminfo : public ::testing::TestWithParam<const char*> {};

TEST_P(KmemAsProcMeminfo, TotalsAreTheKernelsMemTotalExactlyAndTheRestNearly) {
    const auto& row = manifestRow(GetParam(), "mod-bug", "kdump", "kdump-zlib");
    const auto kernel = meminfo(row.console);
    const json k = cliJson({"kmem", "-i"}, row);
    const int64_t kbPerPage = k["page_size"].get<int64_t>() / 1024;
    auto kb = [&](const char* key) { return k[key].get<int64_t>() * kbPerPage; };
    EXPECT_EQ(kb("total_ram_pages"), kernel.at("MemTotal"));
    EXPECT_EQ(kb("swap_total_pages"), kernel.at("SwapTotal"));
    EXPECT_EQ(kb("swap_free_pages"), kernel.at("SwapFree"));
    EXPECT_EQ(kb("huge_pages"), kernel.at("Hugetlb"));
    EXPECT_EQ(kb("commit_limit_pages"), kernel.at("CommitLimit"));
    EXPECT_EQ(kb("buffers_pages"), kernel.at("Buffers"));
    const std::pair<const char*, const char*> moving[] = {
        {"free_pages", "MemFree"},
        {"cached_pages", "Cached"},
        {"shared_pages", "Shmem"},
        {"slab_reclaimable_pages", "SReclaimable"},
        {"slab_unreclaimable_pages", "SUnreclaim"},
        {"committed_pages", "Committed_AS"}};
    for (const auto& [ours, theirs] : moving)
        EXPECT_LE(std::abs(kb(ours) - kernel.at(theirs)), kDrift)
            << theirs << ": panicscope " << kb(ours) << " kB, /proc/meminfo " << kernel.at(theirs)
            << " kB";
    EXPECT_EQ(k["warnings"].size(), 0u) << k["warnings"];
}

INSTANTIATE_TEST_SUITE_P(DebianKernels, KmemAsProcMeminfo,
                         ::testing::Values(kMainKernel, "6.12.117+deb12-cloud-amd64"),
                         [](const auto& info) {
                             return caseName({info.param, "mod-bug", "kdump", "kdump-zlib"});
                         });

} // namespace
} // namespace panicscope::testing
