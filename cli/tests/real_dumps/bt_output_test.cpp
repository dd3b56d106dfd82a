// What bt prints, on real dumps (issue 13): the bracketed address is where the frame's pc is
// stored (what `rd` would show), bt and bt -l number the physical frames alike, bt -a comes in
// CPU order, and a missing pid does not hide the others.
#include "dump_manifest.h"
#include "model/session.h"
#include "open_session.h"
#include "run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <regex>
#include <sstream>

namespace panicscope::testing {
namespace {

using nlohmann::json;

uint64_t hexValue(const std::string& text) {
    return std::stoull(text, nullptr, 16);
}

// The "#N [ADDRESS] what" lines of bt's text, task by task: (N, address, the rest of the line).
struct FrameLine {
    int number;
    uint64_t bracket;
    std::string rest;
};
std::vector<std::vector<FrameLine>> numberedLines(const std::string& text) {
    static const std::regex line(R"(^ +#(\d+) \[([0-9a-f]{16})\] (.*)$)");
    std::vector<std::vector<FrameLine>> tasks;
    std::istringstream in(text);
    std::smatch m;
    for (std::string l; std::getline(in, l);) {
        if (l.starts_with("PID: ")) tasks.emplace_back();
        if (std::regex_match(l, m, line) && !tasks.empty())
            tasks.back().push_back({std::stoi(m[1]), hexValue(m[2]), m[3]});
    }
    return tasks;
}

class BtSlot : public ::testing::TestWithParam<DumpCase> {};

// Every task's frames: the text's bracket equals JSON's `slot`, and the dump's word there is the
// frame's pc -- a return address in its slot, or the ip of the pt_regs an interrupted frame came
// from. Only a first frame from a CPU's registers has no such word: it shows its sp.
TEST_P(BtSlot, TheWordAtEachPrintedAddressIsTheFramesPc) {
    const DumpRow& row = manifestRow(GetParam());
    const auto text = runCli({"bt", "--all", row.dump, "--vmlinux", row.vmlinux});
    const auto doc = runCli({"bt", "--all", "--json", row.dump, "--vmlinux", row.vmlinux});
    ASSERT_EQ(text.status, 0) << text.err;
    ASSERT_EQ(doc.status, 0) << doc.err;
    const auto lines = numberedLines(text.out);
    const json tasks = json::parse(doc.out)["tasks"];
    ASSERT_EQ(lines.size(), tasks.size());
    auto session = openSession(row);
    size_t checked = 0;
    for (size_t t = 0; t < tasks.size(); ++t) {
        SCOPED_TRACE("pid " + std::to_string(tasks[t]["pid"].get<int>()));
        std::vector<json> physical;
        for (const json& f : tasks[t]["frames"])
            if (!f["inline"].get<bool>() && !f["user"].get<bool>()) physical.push_back(f);
        ASSERT_EQ(physical.size(), lines[t].size());
        for (size_t i = 0; i < physical.size(); ++i) {
            const json& f = physical[i];
            const uint64_t slot = hexValue(f["slot"]), pc = hexValue(f["pc"]);
            EXPECT_EQ(lines[t][i].bracket, slot) << lines[t][i].rest;
            if (i == 0 && f["interrupted"].get<bool>()) {
                EXPECT_EQ(slot, hexValue(f["sp"])) << lines[t][i].rest;
                continue;
            }
            auto word = session->readMemory(slot, 8);
            ASSERT_TRUE(word) << word.error().message;
            ASSERT_TRUE(word->missing.empty()) << lines[t][i].rest;
            uint64_t value = 0;
            std::memcpy(&value, word->bytes.data(), 8);
            EXPECT_EQ(value, pc) << "#" << i << " " << lines[t][i].rest;
            ++checked;
        }
    }
    EXPECT_GT(checked, tasks.size());
}

// Both ORC kernels and the frame-pointer one; a task, an IRQ, an NMI, a page fault, a call
// through NULL and a double fault on its IST stack.
INSTANTIATE_TEST_SUITE_P(
    Kernels, BtSlot,
    ::testing::Values(DumpCase{kMainKernel, "process", "kdump", "kdump-zlib"},
                      DumpCase{kMainKernel, "irq", "kdump", "kdump-zlib"},
                      DumpCase{kMainKernel, "mod-nullcall", "kdump", "kdump-zlib"},
                      DumpCase{kMainKernel, "mod-overflow", "kdump", "kdump-zlib"},
                      DumpCase{"6.12.117+deb12-cloud-amd64", "nmi", "kdump", "kdump-zlib"},
                      DumpCase{"6.12.117+deb12-cloud-amd64", "mod-null", "kdump", "kdump-zlib"},
                      DumpCase{kFramePointerKernel, "irq", "kdump", "kdump-zlib"}),
    [](const auto& info) { return caseName(info.param); });

// Inlined functions get no number: bt -l numbers each physical frame as bt does.
TEST(BtNumbers, BtAndBtLinesNumberThePhysicalFramesAlike) {
    const auto& row = manifestRow("irq", "kdump", "kdump-zlib");
    const auto plain = runCli({"bt", "--all", row.dump, "--vmlinux", row.vmlinux});
    const auto withLines = runCli({"bt", "--all", "-l", row.dump, "--vmlinux", row.vmlinux});
    ASSERT_EQ(plain.status, 0) << plain.err;
    ASSERT_EQ(withLines.status, 0) << withLines.err;
    const auto a = numberedLines(plain.out), b = numberedLines(withLines.out);
    ASSERT_EQ(a.size(), b.size());
    size_t inlined = 0;
    for (size_t t = 0; t < a.size(); ++t) {
        ASSERT_EQ(a[t].size(), b[t].size());
        for (size_t i = 0; i < a[t].size(); ++i) {
            EXPECT_EQ(a[t][i].number, static_cast<int>(i));
            EXPECT_EQ(b[t][i].number, a[t][i].number);
            EXPECT_EQ(b[t][i].bracket, a[t][i].bracket);
            EXPECT_TRUE(b[t][i].rest.starts_with(a[t][i].rest)) << b[t][i].rest;
        }
    }
    // The inlined frames are there, unnumbered, at their physical frame's address.
    static const std::regex inlineLine(R"(^ +\[[0-9a-f]{16}\] \S+ \(inlined\) at .*)");
    std::istringstream in(withLines.out);
    for (std::string l; std::getline(in, l);)
        inlined += std::regex_match(l, inlineLine);
    EXPECT_GT(inlined, 0u);
}

// crash's order: CPU 0's task first (on the process dump it has the higher pid).
TEST(BtActive, ComesInCpuOrder) {
    for (const char* kernel : kKernels) {
        SCOPED_TRACE(kernel);
        const auto& row = manifestRow(kernel, "process", "kdump", "kdump-zlib");
        const auto bt = runCli({"bt", "-a", "--json", row.dump, "--vmlinux", row.vmlinux});
        const auto ps = runCli({"ps", "--json", row.dump, "--vmlinux", row.vmlinux});
        const auto info = runCli({"info", "--json", row.dump, "--vmlinux", row.vmlinux});
        ASSERT_EQ(bt.status, 0) << bt.err;
        std::vector<std::pair<unsigned, int>> expected; // (cpu, pid) of each CPU's current task
        const json psDoc = json::parse(ps.out), btDoc = json::parse(bt.out);
        for (const json& t : psDoc["tasks"])
            if (t["on_cpu"].get<bool>()) expected.push_back({t["cpu"], t["pid"]});
        std::sort(expected.begin(), expected.end());
        std::vector<std::pair<unsigned, int>> got;
        for (const json& t : btDoc["tasks"])
            got.push_back({t["cpu"], t["pid"]});
        EXPECT_EQ(got, expected);
        EXPECT_EQ(got.size(), json::parse(info.out)["cpus"].get<size_t>());
    }
}

// bt 1 9999: pid 1's stack as `bt 1` prints it, one error line for 9999, exit status 1.
TEST(BtPids, AMissingPidIsAnErrorLineAndTheRestIsPrinted) {
    const auto& row = manifestRow("process", "kdump", "kdump-zlib");
    for (const std::vector<std::string>& format :
         {std::vector<std::string>{}, std::vector<std::string>{"--json"}}) {
        auto args = [&](std::vector<std::string> pids) {
            std::vector<std::string> a{"bt"};
            a.insert(a.end(), format.begin(), format.end());
            a.insert(a.end(), pids.begin(), pids.end());
            a.insert(a.end(), {row.dump, "--vmlinux", row.vmlinux});
            return a;
        };
        const auto one = runCli(args({"1"}));
        const auto both = runCli(args({"1", "9999", "2", "8888"}));
        const auto alone = runCli(args({"1", "2"}));
        ASSERT_EQ(one.status, 0) << one.err;
        ASSERT_EQ(alone.status, 0) << alone.err;
        EXPECT_EQ(both.status, 1);
        EXPECT_EQ(both.out, alone.out);
        EXPECT_EQ(both.err,
                  "panicscope: no task with pid 9999\npanicscope: no task with pid 8888\n");
        EXPECT_TRUE(alone.out.starts_with(format.empty() ? one.out : one.out.substr(0, 20)));
        const auto none = runCli(args({"9999"}));
        EXPECT_EQ(none.status, 1);
        EXPECT_EQ(none.out, "");
        EXPECT_EQ(none.err, "panicscope: no task with pid 9999\n");
    }
}

} // namespace
} // namespace panicscope::testing
