// Issue 13's memory, code and module verbs on real dumps, each against a reader that is not ours:
// memory against drgn's reads, disassembly against objdump of the vmlinux, modules against the
// kernel's own "Modules linked in:" line and drgn's walk of the module list, bt --group against
// the scale dump's known workload.
#include "console_oracle.h"
#include "drgn_oracle.h"
#include "dump_manifest.h"
#include "model/session.h"
#include "open_session.h"
#include "report/stack_groups.h"
#include "run_cli.h"
#include "run_command.h"
#include "util/hex.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace panicscope::testing {
namespace {

std::vector<std::string> splitWords(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> words;
    for (std::string w; in >> w;)
        words.push_back(w);
    return words;
}

std::vector<uint8_t> unhex(const std::string& text) {
    std::vector<uint8_t> bytes;
    for (size_t i = 0; i + 1 < text.size(); i += 2)
        bytes.push_back(static_cast<uint8_t>(std::stoul(text.substr(i, 2), nullptr, 16)));
    return bytes;
}

std::string commandOutput(const std::string& command) {
    const CommandResult r = runCommand(command);
    if (r.status != 0) throw std::runtime_error(command + " failed");
    return r.output;
}

class MemVerbs : public ::testing::TestWithParam<const char*> {
  protected:
    const DumpRow& row() const { return manifestRow(GetParam(), "process", "kdump", "kdump-zlib"); }
};

// drgn reads a .data object, a .rodata string, a task_struct in the direct map and the same bytes
// at their physical address; ours must be the same bytes.
TEST_P(MemVerbs, MemoryEqualsDrgnsReads) {
    const auto out = runDrgn(row().dump, row().vmlinux, R"(
t = prog['init_task'].tasks.next.value_() - prog.type('struct task_struct').member('tasks').offset
reads = [('init_task', prog['init_task'].address_, 256),
         ('linux_banner', prog['linux_banner'].address_, 64), ('task', t, 256)]
for name, a, n in reads:
    print(name, hex(a), 'v', prog.read(a, n).hex())
phys = t - prog['page_offset_base'].value_()
print('phys', hex(phys), 'p', prog.read(phys, 64, True).hex())
)");
    auto session = openSession(row());
    std::istringstream lines(out);
    int checked = 0;
    for (std::string line; std::getline(lines, line);) {
        const auto w = splitWords(line);
        ASSERT_EQ(w.size(), 4u) << line;
        const uint64_t address = *parseHex(w[1]);
        const auto expected = unhex(w[3]);
        auto block = w[2] == "p" ? session->readPhysicalMemory(address, expected.size())
                                 : session->readMemory(address, expected.size());
        ASSERT_TRUE(block) << block.error().message;
        EXPECT_TRUE(block->missing.empty()) << w[0];
        EXPECT_EQ(block->bytes, expected) << w[0] << " at " << w[1];
        ++checked;
    }
    EXPECT_EQ(checked, 4) << out;
}

// Where &task->tasks is stored: in the list neighbours' next and prev (drgn's word), and nowhere
// else in two windows around them than where drgn's own scan of the same bytes finds it.
TEST_P(MemVerbs, SearchFindsWhatDrgnsScanFinds) {
    const auto out = runDrgn(row().dump, row().vmlinux, R"(
import struct
init = prog['init_task']
first = init.tasks.next
value = first.value_()
expected = [first.prev.value_(), first.next.value_() + 8]
print('value', hex(value))
for e in expected:
    lo = (e & ~0xffff) - 0x10000
    data = prog.read(lo, 0x30000)
    hits = [lo + i for i in range(0, len(data), 8) if struct.unpack_from('<Q', data, i)[0] == value]
    print('window', hex(lo), hex(lo + 0x30000), hex(e), ' '.join(hex(h) for h in hits))
)");
    auto session = openSession(row());
    std::istringstream lines(out);
    std::string line;
    ASSERT_TRUE(std::getline(lines, line)) << out;
    const uint64_t value = *parseHex(splitWords(line).at(1));
    int windows = 0;
    while (std::getline(lines, line)) {
        const auto w = splitWords(line);
        ASSERT_GE(w.size(), 4u) << line;
        std::vector<uint64_t> drgnHits;
        for (size_t i = 4; i < w.size(); ++i)
            drgnHits.push_back(*parseHex(w[i]));
        EXPECT_NE(std::find(drgnHits.begin(), drgnHits.end(), *parseHex(w[3])), drgnHits.end());
        model::SearchRequest request;
        request.begin = *parseHex(w[1]);
        request.end = *parseHex(w[2]);
        request.value = value;
        auto result = session->searchMemory(request);
        ASSERT_TRUE(result) << result.error().message;
        std::vector<uint64_t> ours;
        for (const auto& hit : result->hits)
            ours.push_back(hit.address);
        EXPECT_EQ(ours, drgnHits) << line;
        // Under a mask that keeps only the low 32 bits, at least the same places match.
        request.mask = 0xffffffff;
        auto masked = session->searchMemory(request);
        ASSERT_TRUE(masked);
        EXPECT_GE(masked->hits.size(), ours.size());
        ++windows;
    }
    EXPECT_EQ(windows, 2);
    // Bounds: an empty range and one over 64 GiB are refused.
    EXPECT_FALSE(session->searchMemory({0x1000, 0x1000, 0}));
    EXPECT_FALSE(session->searchMemory({0xffff800000000000, 0xffff801100000000, 0}));
}

// objdump -d of the vmlinux at link addresses: the same instructions (address, bytes, mnemonic,
// direct targets and their symbols) at the KASLR-shifted addresses, for functions whose bytes
// the kernel did not patch at boot (ftrace, alternatives).
TEST_P(MemVerbs, DisassemblyEqualsObjdump) {
    auto session = openSession(row());
    auto info = session->info();
    ASSERT_TRUE(info);
    const uint64_t slide = info->kaslrOffset;
    int compared = 0;
    size_t instructions = 0, patchedInstructions = 0;
    for (const char* name : {"strcmp", "strchr", "bsearch", "sort_r", "sysrq_handle_crash"}) {
        auto symbol = session->lookupSymbol(name);
        if (!symbol || !symbol->size) continue;
        auto ours = session->disassembleFunction(name);
        ASSERT_TRUE(ours) << name << ": " << ours.error().message;
        // dis covers the function up to the next symbol, as kallsyms sizes it (padding too).
        auto sized = session->symbolize(symbol->symbolAddress);
        ASSERT_TRUE(sized);
        const uint64_t link = symbol->symbolAddress - slide;
        const std::string dump = commandOutput("objdump -d -w --start-address=" + hex(link) +
                                               " --stop-address=" + hex(link + sized->size) + " '" +
                                               row().vmlinux + "'");
        // "ffffffff81001000:\t48 89 e5             \tmov    %rsp,%rbp", by runtime address
        static const std::regex insn(R"(^\s*([0-9a-f]+):\t([0-9a-f ]+)\t(\S+)\s*(.*)$)");
        std::map<uint64_t, std::smatch> theirs;
        std::istringstream lines(dump);
        std::vector<std::string> kept;
        for (std::string line; std::getline(lines, line);)
            kept.push_back(line);
        for (const auto& line : kept) {
            std::smatch m;
            if (std::regex_match(line, m, insn)) theirs[*parseHex(m[1].str()) + slide] = m;
        }
        std::vector<std::string> problems;
        for (const auto& l : *ours) {
            const auto& in = l.instruction;
            ++instructions;
            const auto it = theirs.find(in.address);
            std::string ourBytes;
            for (uint8_t b : in.bytes) {
                char h[3];
                std::snprintf(h, sizeof h, "%02x", b);
                ourBytes += h;
            }
            std::string bytes = it == theirs.end() ? "" : it->second[2].str();
            std::erase(bytes, ' ');
            // Patched at boot (ftrace's nop, a return thunk turned into ret + int3s): the dump's
            // bytes are not the file's there, and objdump's boundaries may differ.
            if (bytes != ourBytes) {
                ++patchedInstructions;
                continue;
            }
            const std::smatch& m = it->second;
            // objdump names the padding prefixes of a long nop: "data16 cs nopw 0x0(...)".
            std::string mnemonic = m[3];
            std::string operands = m[4];
            while (mnemonic == "data16" || mnemonic == "cs" || mnemonic == "ds") {
                const auto space = operands.find(' ');
                mnemonic = operands.substr(0, space);
                operands = space == std::string::npos ? "" : operands.substr(space + 1);
            }
            // The one synonym the two print differently: 66 90 is Capstone's "nop".
            if (mnemonic == "xchg" && operands == "%ax,%ax") mnemonic = "nop";
            if (in.mnemonic != mnemonic &&
                !(in.mnemonic.size() == mnemonic.size() + 1 && in.mnemonic.starts_with(mnemonic)))
                problems.push_back("mnemonic " + in.mnemonic + ": " + m[0].str());
            // A direct target: "call   ffffffff810a0b20 <__schedule>"
            static const std::regex target(R"(^([0-9a-f]+) <([^>]+)>$)");
            std::smatch t;
            if (in.target && std::regex_match(operands, t, target)) {
                if (*parseHex(t[1].str()) + slide != *in.target)
                    problems.push_back("target: " + m[0].str());
                if (l.target != t[2].str() && l.target != t[2].str() + "+0x0")
                    problems.push_back("target symbol " + l.target.value_or("(none)") + ": " +
                                       m[0].str());
            }
        }
        EXPECT_TRUE(problems.empty()) << name << ":\n" << problems.front();
        ++compared;
    }
    EXPECT_GE(compared, 4) << "too few functions to compare";
    EXPECT_GT(instructions, 200u);
    EXPECT_LT(patchedInstructions * 4, instructions) << "mostly patched: compared too little";
}

// The CLI's rd prints the kernel's banner as the kernel printed it on the console: the ASCII
// column of 4 lines of bytes is the first 64 characters of "Linux version ...".
TEST_P(MemVerbs, RdShowsTheBannerTheConsolePrinted) {
    std::ifstream console(row().console);
    std::string banner;
    for (std::string line; std::getline(console, line);)
        if (auto at = line.find("Linux version "); at != std::string::npos) {
            banner = line.substr(at);
            break;
        }
    ASSERT_GE(banner.size(), 64u);
    const auto r =
        runCli({"rd", "-8", "linux_banner", "64", row().dump, "--vmlinux", row().vmlinux});
    ASSERT_EQ(r.status, 0) << r.err;
    std::istringstream lines(r.out);
    std::string ascii;
    for (std::string line; std::getline(lines, line);) {
        ASSERT_GE(line.size(), 16u) << line;
        ascii += line.substr(line.size() - 16);
    }
    EXPECT_EQ(ascii, banner.substr(0, 64));
}

// bt -f's words of every frame of the crashing task are rd -s's words at the same addresses:
// same values, same symbols.
TEST_P(MemVerbs, BtFrameWordsAreRdsWords) {
    const auto bt = runCli({"bt", "-f", "--json", row().dump, "--vmlinux", row().vmlinux});
    ASSERT_EQ(bt.status, 0) << bt.err;
    const auto task = nlohmann::json::parse(bt.out)["tasks"][0];
    std::map<uint64_t, nlohmann::json> words; // by address
    for (const auto& f : task["frames"])
        if (f.contains("stack_words"))
            for (const auto& w : f["stack_words"])
                words[*parseHex(w["address"].get<std::string>())] = w;
    ASSERT_GT(words.size(), 8u);
    // One rd over the task stack's part the frames cover (the first frames may be on another
    // stack: take the task stack's words).
    std::map<uint64_t, nlohmann::json> onTaskStack;
    for (const auto& f : task["frames"])
        if (f["stack"] == "task stack" && f.contains("stack_words"))
            for (const auto& w : f["stack_words"])
                onTaskStack[*parseHex(w["address"].get<std::string>())] = w;
    ASSERT_FALSE(onTaskStack.empty());
    const uint64_t first = onTaskStack.begin()->first, last = onTaskStack.rbegin()->first;
    const auto rd =
        runCli({"rd", "-s", "--json", hex(first), std::to_string((last - first) / 8 + 1),
                row().dump, "--vmlinux", row().vmlinux});
    ASSERT_EQ(rd.status, 0) << rd.err;
    size_t compared = 0;
    const auto rdWords = nlohmann::json::parse(rd.out)["words"];
    for (const auto& w : rdWords) {
        auto it = onTaskStack.find(*parseHex(w["address"].get<std::string>()));
        if (it == onTaskStack.end()) continue;
        EXPECT_EQ(it->second["value"], w["value"]) << w["address"];
        EXPECT_EQ(it->second["symbol"], w["symbol"]) << w["address"];
        ++compared;
    }
    EXPECT_EQ(compared, onTaskStack.size());
    // Some frame's words hold the next frame's return address, named as bt names it.
    bool named = false;
    for (const auto& [address, w] : words)
        named = named || (!w["symbol"].is_null() &&
                          w["symbol"].get<std::string>().find("+0x") != std::string::npos);
    EXPECT_TRUE(named);
}

// dis -r at each return address of the crashing task's trace: the function from its start, the
// last instruction the call that returns there.
TEST_P(MemVerbs, DisUpToAReturnAddressEndsWithItsCall) {
    const auto bt = runCli({"bt", "--json", row().dump, "--vmlinux", row().vmlinux});
    ASSERT_EQ(bt.status, 0) << bt.err;
    int checked = 0;
    const auto frames = nlohmann::json::parse(bt.out)["tasks"][0]["frames"];
    for (const auto& f : frames) {
        if (f["interrupted"].get<bool>() || f["user"].get<bool>() || f["inline"].get<bool>() ||
            f["function"].is_null() || checked == 3)
            continue;
        const std::string pc = f["pc"];
        const auto r = runCli({"dis", "-r", "--json", pc, row().dump, "--vmlinux", row().vmlinux});
        ASSERT_EQ(r.status, 0) << r.err;
        const auto insns = nlohmann::json::parse(r.out)["instructions"];
        ASSERT_FALSE(insns.empty());
        const auto& call = insns.back();
        EXPECT_EQ(*parseHex(call["address"].get<std::string>()) +
                      call["bytes"].get<std::string>().size() / 2,
                  *parseHex(pc));
        EXPECT_TRUE(call["mnemonic"].get<std::string>().starts_with("call")) << call.dump();
        EXPECT_EQ(insns.front()["symbol"], f["function"].get<std::string>() + "+0x0");
        ++checked;
    }
    EXPECT_EQ(checked, 3);
}

// bt -c CPU is the task the kernel's panic line names on that CPU ("CPU: 0 PID: 110 Comm: ...").
TEST_P(MemVerbs, BtOfACpuIsTheTaskThePanicLineNames) {
    const auto console = readConsole(row().console);
    ASSERT_TRUE(console.panicCpu && console.panicPid);
    const auto r = runCli({"bt", "-c", std::to_string(*console.panicCpu), "--json", row().dump,
                           "--vmlinux", row().vmlinux});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto tasks = nlohmann::json::parse(r.out)["tasks"];
    ASSERT_EQ(tasks.size(), 1u);
    EXPECT_EQ(tasks[0]["pid"], *console.panicPid);
    EXPECT_EQ(tasks[0]["cpu"], *console.panicCpu);
}

INSTANTIATE_TEST_SUITE_P(Generated, MemVerbs, ::testing::ValuesIn(kKernels), [](const auto& info) {
    return caseName({info.param, "process", "kdump", "kdump-zlib"});
});

// Every new verb has --help with its options, and rejects what it does not take.
TEST(MemVerbsCli, HelpAndBadArguments) {
    for (const char* verb : {"rd", "search", "dis", "mod"}) {
        const auto r = runCli({verb, "--help"});
        EXPECT_EQ(r.status, 0) << verb;
        EXPECT_TRUE(r.out.starts_with(std::string("usage: panicscope ") + verb)) << r.out;
    }
    const auto& row = manifestRow("process", "kdump", "kdump-zlib");
    const auto badCount = runCli({"rd", "jiffies", "0", row.dump, "--vmlinux", row.vmlinux});
    EXPECT_EQ(badCount.status, 1);
    EXPECT_NE(badCount.err.find("COUNT '0'"), std::string::npos) << badCount.err;
    const auto both =
        runCli({"search", "-e", "0x2000", "-l", "0x10", "0", row.dump, "--vmlinux", row.vmlinux});
    EXPECT_EQ(both.err, "panicscope: search: give -e END or -l LENGTH, not both\n");
    const auto nofunc =
        runCli({"dis", "no_such_function_here", row.dump, "--vmlinux", row.vmlinux});
    EXPECT_EQ(nofunc.status, 1);
    EXPECT_EQ(runCli({"bt", "-c", "99", row.dump, "--vmlinux", row.vmlinux}).err,
              "panicscope: bt -c: no such CPU, or no task current on it\n");
}

class ModuleVerbs : public ::testing::TestWithParam<const char*> {};

// "Modules linked in: panicscope_crash(OE) qemu_fw_cfg": every module and its taint letters; the
// bases and sizes as drgn reads struct module.
TEST_P(ModuleVerbs, ModulesEqualTheConsoleAndDrgn) {
    const auto& row = manifestRow(GetParam(), "mod-bug", "kdump", "kdump-zlib");
    std::ifstream console(row.console);
    std::map<std::string, std::string> linked; // name -> taints
    for (std::string line; std::getline(console, line);) {
        const auto at = line.find("Modules linked in:");
        if (at == std::string::npos) continue;
        for (const auto& w : splitWords(line.substr(at + 18))) {
            const auto paren = w.find('(');
            linked[w.substr(0, paren)] =
                paren == std::string::npos ? "" : w.substr(paren + 1, w.size() - paren - 2);
        }
        break;
    }
    ASSERT_TRUE(linked.contains("panicscope_crash"));
    const auto out = runDrgn(row.dump, row.vmlinux, R"(
from drgn.helpers.linux.list import list_for_each_entry
for m in list_for_each_entry('struct module', prog['modules'].address_of_(), 'list'):
    try:
        base = m.core_layout.base.value_()
        size = m.core_layout.size.value_() + m.init_layout.size.value_()
    except AttributeError:
        base = m.mem[0].base.value_()
        size = sum(m.mem[i].size.value_() for i in range(len(m.mem)))
    print(m.name.string_().decode(), hex(m.value_()), hex(base), size)
)");
    auto session = openSession(row);
    auto modules = session->modules();
    ASSERT_TRUE(modules) << modules.error().message;
    std::map<std::string, std::string> ours;
    for (const auto& m : *modules)
        ours[m.name] = m.taints;
    EXPECT_EQ(ours, linked);
    std::istringstream lines(out);
    size_t n = 0;
    for (std::string line; std::getline(lines, line); ++n) {
        const auto w = splitWords(line);
        ASSERT_EQ(w.size(), 4u) << line;
        ASSERT_LT(n, modules->size());
        const auto& m = (*modules)[n];
        EXPECT_EQ(m.name, w[0]);
        EXPECT_EQ(hex(m.address), w[1]) << m.name;
        EXPECT_EQ(hex(m.textBase), w[2]) << m.name;
        EXPECT_EQ(m.size, std::stoull(w[3])) << m.name;
        EXPECT_TRUE(m.hasOrc) << m.name; // Debian kernels: ORC
    }
    EXPECT_EQ(n, modules->size());
    // A module's function by name, disassembled from its start.
    auto bug = session->disassembleFunction("psc_bug");
    ASSERT_TRUE(bug) << bug.error().message;
    auto where = session->symbolize(bug->front().instruction.address);
    ASSERT_TRUE(where);
    EXPECT_EQ(where->name, "psc_bug");
    EXPECT_EQ(where->offset, 0u);
    EXPECT_EQ(where->module, std::optional<std::string>("panicscope_crash"));
}

// The hung task the kernel reported ("INFO: task crasher:111 blocked for more than ...") is
// among bt --state D's tasks, and every task listed is in D.
TEST_P(ModuleVerbs, BtStateDHasTheHungTask) {
    const auto& row = manifestRow(GetParam(), "mod-hungtask", "kdump", "kdump-zlib");
    std::ifstream console(row.console);
    static const std::regex hung(R"(INFO: task (.+):(\d+) blocked for more than)");
    std::optional<int> pid;
    std::string comm;
    for (std::string line; std::getline(console, line) && !pid;)
        if (std::smatch m; std::regex_search(line, m, hung)) {
            comm = m[1];
            pid = std::stoi(m[2]);
        }
    ASSERT_TRUE(pid);
    const auto r = runCli(
        {"bt", "--state", "D", "--comm", comm, "--json", row.dump, "--vmlinux", row.vmlinux});
    ASSERT_EQ(r.status, 0) << r.err;
    bool found = false;
    const auto tasks = nlohmann::json::parse(r.out)["tasks"];
    for (const auto& t : tasks) {
        EXPECT_EQ(t["state"], "D");
        EXPECT_EQ(t["comm"], comm);
        found = found || t["pid"] == *pid;
    }
    EXPECT_TRUE(found) << r.out.substr(0, 500);
}

INSTANTIATE_TEST_SUITE_P(Generated, ModuleVerbs, ::testing::Values(kKernels[0], kKernels[1]),
                         [](const auto& info) {
                             return caseName({info.param, "mod-bug", "kdump", "kdump-zlib"});
                         });

class StackGroupsOnScale : public ::testing::TestWithParam<const char*> {};

// The scale workload (testdata/generate.sh): 1501 sleep, 751 dd, 750 sh, 750 cat, each kind in
// one and the same wait: one group each, with exactly those counts, and few groups in all.
TEST_P(StackGroupsOnScale, EachWaitIsOneGroupWithItsCount) {
    const auto& row = manifestRow(GetParam(), "scale", "kdump", "kdump-zlib");
    auto session = openSession(row);
    auto tasks = session->selectTasks({model::TaskSelection::Kind::All, {}});
    ASSERT_TRUE(tasks);
    report::StackGroups groups;
    auto done = session->backtraces(*tasks, {false},
                                    [&](size_t i, const model::TaskRow& t, unwind::StackTrace s) {
                                        groups.add(i, t, std::move(s));
                                    });
    ASSERT_TRUE(done);
    const auto all = groups.groups();
    size_t total = 0;
    for (const auto& g : all)
        total += g.tasks.size();
    EXPECT_EQ(total, tasks->size());
    EXPECT_LT(all.size(), 150u) << "of " << tasks->size() << " tasks";
    const std::pair<const char*, std::pair<const char*, size_t>> waits[] = {
        {"sleep", {"do_nanosleep ", 1501}},
        {"dd", {"pipe_read ", 751}},
        {"sh", {"do_wait ", 750}},
        {"cat", {"fifo_open ", 750}}};
    for (const auto& [comm, expected] : waits) {
        const auto& [function, count] = expected;
        size_t groupsWithIt = 0, tasksInThem = 0;
        for (const auto& g : all) {
            size_t n = 0;
            for (const auto& t : g.tasks)
                n += t.comm == comm;
            if (n && report::stackKey(g.trace).find(function) != std::string::npos) {
                ++groupsWithIt;
                tasksInThem += n;
            }
        }
        EXPECT_EQ(groupsWithIt, 1u) << comm;
        EXPECT_EQ(tasksInThem, count) << comm;
    }
    // The largest group first.
    for (size_t i = 1; i < all.size(); ++i)
        EXPECT_GE(all[i - 1].tasks.size(), all[i].tasks.size());
    // The CLI: bt --state S --group has the 1501 sleeping sleep tasks as one group.
    const auto r = runCli({"bt", "--state", "S", "--comm", "sleep", "--group", "--json", row.dump,
                           "--vmlinux", row.vmlinux});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto cli = nlohmann::json::parse(r.out)["groups"];
    ASSERT_EQ(cli.size(), 1u) << r.out.substr(0, 2000);
    EXPECT_EQ(cli[0]["count"], 1501);
    EXPECT_EQ(cli[0]["comms"]["sleep"], 1501);
    EXPECT_EQ(cli[0]["pids"].size(), 1501u);
}

INSTANTIATE_TEST_SUITE_P(Generated, StackGroupsOnScale, ::testing::Values(kKernels[0], kKernels[1]),
                         [](const auto& info) {
                             return caseName({info.param, "scale", "kdump", "kdump-zlib"});
                         });

} // namespace
} // namespace panicscope::testing
