// sym on real dumps (issue 13), against the vmlinux's ELF symbol table as nm reads it, addr2line,
// drgn and the kernel's own traces: a symbol is named only for an address inside it, sym and bt
// name a frame's code address alike, and per-CPU variables are offsets with one address per CPU.
#include "console_oracle.h"
#include "dump_manifest.h"
#include "model/session.h"
#include "open_session.h"
#include "report/json_report.h"
#include "run_cli.h"
#include "run_command.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace panicscope::testing {
namespace {

using nlohmann::json;

std::string commandOutput(const std::string& command) {
    const CommandResult r = runCommand(command);
    if (r.status != 0) throw std::runtime_error(command + " failed");
    return r.output;
}

std::string hexText(uint64_t value) {
    std::ostringstream out;
    out << "0x" << std::hex << value;
    return out.str();
}

// `nm -S` of the vmlinux: every defined symbol with its size, by address.
struct NmSymbol {
    uint64_t address = 0, size = 0;
    bool hasSize = false;
    std::string name;
};
std::vector<NmSymbol> nmSymbols(const std::string& vmlinux) {
    std::vector<NmSymbol> out;
    std::istringstream in(commandOutput("nm -S --defined-only -n '" + vmlinux + "'"));
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::vector<std::string> w{std::istream_iterator<std::string>(words), {}};
        if (w.size() == 4)
            out.push_back(
                {std::stoull(w[0], nullptr, 16), std::stoull(w[1], nullptr, 16), true, w[3]});
        if (w.size() == 3) out.push_back({std::stoull(w[0], nullptr, 16), 0, false, w[2]});
    }
    return out;
}

struct Sym {
    int status;
    json doc;
    std::string err;
};
Sym sym(const DumpRow& row, const std::string& query) {
    const auto r = runCli({"sym", "--json", query, row.dump, "--vmlinux", row.vmlinux});
    return {r.status, r.status == 0 ? json::parse(r.out) : json(), r.err};
}

// The same answer as `sym --json`, from one session for many queries.
Sym sym(const model::Session& session, const std::string& query) {
    auto s = session.lookupSymbol(query);
    if (!s) return {1, json(), "panicscope: " + s.error().message + "\n"};
    return {0, json::parse(report::symJson(*s).dump()), ""};
}

uint64_t kaslrOf(const DumpRow& row) {
    const auto info = runCli({"info", "--json", row.dump, "--vmlinux", row.vmlinux});
    return std::stoull(json::parse(info.out)["kaslr_offset"].get<std::string>(), nullptr, 16);
}

// A task_struct is in no symbol; neither is the padding after a function's last byte.
TEST(SymAddress, OutsideEverySymbolIsNoSymbol) {
    const auto& row = manifestRow("process", "kdump", "kdump-zlib");
    const auto ps = runCli({"ps", "--json", row.dump, "--vmlinux", row.vmlinux});
    const json tasks = json::parse(ps.out)["tasks"];
    ASSERT_FALSE(tasks.empty());
    // The last task, and init (the idle task of CPU 0 is init_task: a symbol).
    for (const json& t : {tasks.back(), tasks[tasks.size() - tasks.size() / 2]}) {
        const std::string address = t["task"];
        ASSERT_NE(t["pid"], 0);
        const auto r = runCli({"sym", address, row.dump, "--vmlinux", row.vmlinux});
        EXPECT_EQ(r.status, 1);
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(r.err, "panicscope: no symbol at " + address + "\n");
    }
    // sysrq_handle_crash ends (ELF size) before the next symbol starts: int3 padding.
    const auto nm = nmSymbols(row.vmlinux);
    const auto f = std::find_if(nm.begin(), nm.end(),
                                [](const NmSymbol& s) { return s.name == "sysrq_handle_crash"; });
    ASSERT_NE(f, nm.end());
    ASSERT_TRUE(f->hasSize);
    ASSERT_GT(std::next(f)->address, f->address + f->size);
    const uint64_t kaslr = kaslrOf(row);
    const Sym last = sym(row, hexText(f->address + f->size - 1 + kaslr));
    ASSERT_EQ(last.status, 0) << last.err;
    EXPECT_EQ(last.doc["symbol"], "sysrq_handle_crash");
    const Sym past = sym(row, hexText(f->address + f->size + kaslr));
    EXPECT_EQ(past.status, 1);
    EXPECT_EQ(past.err, "panicscope: no symbol at " + hexText(f->address + f->size + kaslr) + "\n");
}

// For every frame of the crashing task, sym of its code address (pc - 1 for a return address)
// names what bt names, with bt's size and bt's file:line; the symbol is nm's, the address inside
// its ELF size (or before the next symbol for a sizeless one), the size the distance to the next
// symbol (the kernel's, as its console trace prints it), the line addr2line's outermost one.
TEST(SymAddress, NamesWhatBtNamesAsNmAndAddr2lineSay) {
    for (const char* scenario : {"irq"}) { // IRQ and task stacks, an interrupted frame
        SCOPED_TRACE(scenario);
        const auto& row = manifestRow(scenario, "kdump", "kdump-zlib");
        const auto bt = runCli({"bt", "--json", row.dump, "--vmlinux", row.vmlinux});
        const auto text = runCli({"bt", row.dump, "--vmlinux", row.vmlinux});
        ASSERT_EQ(bt.status, 0) << bt.err;
        const uint64_t kaslr = kaslrOf(row);
        const auto nm = nmSymbols(row.vmlinux);
        const json doc = json::parse(bt.out);
        // The kernel's sizes of the functions in its own trace.
        std::map<std::string, std::string> consoleSize;
        static const std::regex sized(R"(([A-Za-z0-9_.]+)\+0x[0-9a-f]+/(0x[0-9a-f]+))");
        std::ifstream console(row.console);
        for (std::string l; std::getline(console, l);)
            for (std::sregex_iterator m(l.begin(), l.end(), sized), end; m != end; ++m)
                consoleSize[(*m)[1]] = (*m)[2];
        std::vector<std::pair<json, uint64_t>> frames; // physical frame, its code address
        std::string addresses;
        for (const json& f : doc["tasks"][0]["frames"]) {
            if (f["inline"].get<bool>() || f["user"].get<bool>() || f["function"].is_null())
                continue;
            const uint64_t pc = std::stoull(f["pc"].get<std::string>(), nullptr, 16);
            const uint64_t code = f["interrupted"].get<bool>() ? pc : pc - 1;
            frames.push_back({f, code});
            addresses += " " + hexText(code - kaslr);
        }
        ASSERT_GT(frames.size(), 5u);
        // addr2line -i: the inline chain innermost first; the last line is the outermost's.
        std::istringstream lines(
            commandOutput("addr2line -i -a -e '" + row.vmlinux + "'" + addresses));
        std::vector<std::string> outermost;
        for (std::string l; std::getline(lines, l);) {
            if (l.starts_with("0x"))
                outermost.emplace_back();
            else
                outermost.back() = l.substr(0, l.find(' '));
        }
        ASSERT_EQ(outermost.size(), frames.size());
        const auto session = openSession(row);
        size_t consoleChecked = 0;
        for (size_t i = 0; i < frames.size(); ++i) {
            const auto& [f, code] = frames[i];
            const std::string function = f["function"];
            SCOPED_TRACE(function);
            const Sym s = sym(*session, hexText(code));
            ASSERT_EQ(s.status, 0) << s.err;
            EXPECT_EQ(s.doc["symbol"], function);
            EXPECT_EQ(s.doc["file"], f["file"]);
            EXPECT_EQ(s.doc["line"], f["line"]);
            const std::string fileLine =
                s.doc["file"].get<std::string>() + ":" + std::to_string(s.doc["line"].get<int>());
            EXPECT_TRUE(outermost[i].ends_with("/" + fileLine)) << outermost[i] << " " << fileLine;
            const uint64_t start =
                std::stoull(s.doc["symbol_address"].get<std::string>(), nullptr, 16) - kaslr;
            auto it = std::find_if(nm.begin(), nm.end(), [&](const NmSymbol& n) {
                return n.name == function && n.address == start;
            });
            ASSERT_NE(it, nm.end()) << hexText(start);
            EXPECT_LE(start, code - kaslr);
            const auto next =
                std::upper_bound(nm.begin(), nm.end(), start,
                                 [](uint64_t a, const NmSymbol& n) { return a < n.address; });
            ASSERT_NE(next, nm.end());
            if (it->hasSize && it->size)
                EXPECT_LT(code - kaslr, start + it->size);
            else
                EXPECT_LT(code - kaslr, next->address);
            EXPECT_EQ(s.doc["size"].get<uint64_t>(), next->address - start);
            // bt prints the same size.
            const std::string sizeText = "/" + hexText(s.doc["size"].get<uint64_t>()) + " ";
            EXPECT_NE(
                text.out.find(function + "+" + hexText(f["offset"].get<uint64_t>()) + sizeText),
                std::string::npos);
            if (consoleSize.contains(function)) {
                EXPECT_EQ(consoleSize[function], hexText(s.doc["size"].get<uint64_t>()));
                ++consoleChecked;
            }
        }
        EXPECT_GT(consoleChecked, 3u);
    }
}

// runqueues is an offset into each CPU's per-CPU area, not moved by KASLR; drgn's per_cpu_ptr()
// says where each CPU's copy is, and sym names an address inside one.
TEST(SymPerCpu, IsAnOffsetWithEachCpusAddressAsDrgnFindsIt) {
    for (const char* kernel : {kMainKernel, kFramePointerKernel}) {
        SCOPED_TRACE(kernel);
        const auto& row = manifestRow(kernel, "process", "kdump", "kdump-zlib");
        const auto nm = nmSymbols(row.vmlinux);
        const auto rq = std::find_if(nm.begin(), nm.end(),
                                     [](const NmSymbol& s) { return s.name == "runqueues"; });
        ASSERT_NE(rq, nm.end());
        const Sym s = sym(row, "runqueues");
        ASSERT_EQ(s.status, 0) << s.err;
        EXPECT_EQ(s.doc["address"], hexText(rq->address));
        EXPECT_EQ(s.doc["per_cpu"], true);
        EXPECT_EQ(s.doc["cpu"], nullptr);
        const std::string script = (std::filesystem::temp_directory_path() /
                                    ("panicscope-percpu-" + std::to_string(::getpid()) + ".py"))
                                       .string();
        std::ofstream(script) << "from drgn.helpers.linux.percpu import per_cpu_ptr\n"
                                 "from drgn.helpers.linux.cpumask import for_each_present_cpu\n"
                                 "for cpu in for_each_present_cpu(prog):\n"
                                 "    p = per_cpu_ptr(prog['runqueues'].address_of_(), cpu)\n"
                                 "    print(cpu, hex(p.value_()))\n";
        std::istringstream drgn(commandOutput("drgn -q -c '" + row.dump + "' -s '" + row.vmlinux +
                                              "' " + script + " 2>/dev/null"));
        std::filesystem::remove(script);
        json expected = json::array();
        unsigned cpu;
        std::string address;
        while (drgn >> cpu >> address)
            expected.push_back({{"cpu", cpu}, {"address", address}});
        ASSERT_GE(expected.size(), 2u);
        EXPECT_EQ(s.doc["cpu_addresses"], expected);
        // 0x10 into the last CPU's runqueue.
        const uint64_t inside =
            std::stoull(expected.back()["address"].get<std::string>(), nullptr, 16) + 0x10;
        const Sym t = sym(row, hexText(inside));
        ASSERT_EQ(t.status, 0) << t.err;
        EXPECT_EQ(t.doc["symbol"], "runqueues");
        EXPECT_EQ(t.doc["offset"], 0x10);
        EXPECT_EQ(t.doc["cpu"], expected.back()["cpu"]);
        EXPECT_EQ(t.doc["symbol_address"], expected.back()["address"]);
        const auto text = runCli({"sym", "runqueues", row.dump, "--vmlinux", row.vmlinux});
        EXPECT_TRUE(text.out.starts_with(std::string(16 - hexText(rq->address).size() + 2, '0') +
                                         hexText(rq->address).substr(2) + " (D) runqueues/"))
            << text.out;
        EXPECT_NE(text.out.find("   CPU " + std::to_string(cpu) + ": " +
                                std::string(18 - address.size(), '0') + address.substr(2) + "\n"),
                  std::string::npos)
            << text.out;
    }
}

} // namespace
} // namespace panicscope::testing
