// sys, kmem -i and kmem ADDR on real dumps of each kernel, against what the kernel printed on its
// console (taint letters, "Modules linked in: name(OE)") and what drgn reads from the same dump
// (its own DWARF and memory reader: the counters /proc/meminfo adds up, the timekeeper, avenrun,
// per_cpu_ptr()); task and stack addresses come from ps and bt.
#include "console_oracle.h"
#include "dump_manifest.h"
#include "model/session.h"
#include "report/state_report.h"
#include "run_cli.h"
#include "run_command.h"
#include "util/hex.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>

namespace panicscope::testing {
namespace {

using nlohmann::json;

// What drgn reads from a dump: the oracle for the counters and variables.
constexpr const char* kDrgnScript = R"PY(
import json, sys, drgn
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.percpu import per_cpu_ptr
p = drgn.Program()
p.set_core_dump(sys.argv[1])
p.load_debug_info([sys.argv[2]])
def stat(array, item):
    try:
        index = p[item]
    except KeyError: # NR_SWAPCACHE without CONFIG_SWAP
        return 0
    return max(p[array][index].counter.value_(), 0)
sb = p["blockdev_superblock"]
buffers = sum(i.i_mapping.nrpages.value_() for i in
              list_for_each_entry("struct inode", sb.s_inodes.address_of_(), "i_sb_list"))
try:
    head = p["modules"].address_of_()
except KeyError: # a kernel without module support
    head = None
modules = {} if head is None else {m.name.string_().decode(): m.taints.value_() for m in
                                   list_for_each_entry("struct module", head, "list")}
print(json.dumps({
    "totalram": p["_totalram_pages"].counter.value_(),
    "free": stat("vm_zone_stat", "NR_FREE_PAGES"),
    "file": stat("vm_node_stat", "NR_FILE_PAGES"),
    "shmem": stat("vm_node_stat", "NR_SHMEM"),
    "swapcache": stat("vm_node_stat", "NR_SWAPCACHE"),
    "slab": stat("vm_node_stat", "NR_SLAB_RECLAIMABLE_B") +
            stat("vm_node_stat", "NR_SLAB_UNRECLAIMABLE_B"),
    "buffers": buffers,
    "xtime_sec": p["tk_core"].timekeeper.xtime_sec.value_(),
    "avenrun": [x.value_() for x in p["avenrun"]],
    "tainted_mask": p["tainted_mask"].value_(),
    "modules": modules,
    "runqueues_cpu1": per_cpu_ptr(p["runqueues"].address_of_(), 1).value_(),
    "jiffies": p.symbol("jiffies").address, # a linker alias of jiffies_64
}))
)PY";

json readWithDrgn(const DumpRow& row) {
    const auto script = std::filesystem::temp_directory_path() /
                        ("panicscope-drgn-" + std::to_string(::getpid()) + ".py");
    std::ofstream(script) << kDrgnScript;
    const std::string command = "/usr/bin/python3 " + shellQuoted(script.string()) + " " +
                                shellQuoted(row.dump) + " " + shellQuoted(row.vmlinux) + " 2>&1";
    const CommandResult r = runCommand(command);
    std::filesystem::remove(script);
    if (r.status != 0)
        throw std::runtime_error("drgn (python3-drgn) failed on " + row.dump + ": " + r.output);
    return json::parse(r.output);
}

struct StateCase {
    const char* kernel;
    const char* scenario; // a module crash where the kernel has modules: taints to check
};

const StateCase kCases[] = {{kMainKernel, "mod-null"},
                            {"6.12.117+deb12-cloud-amd64", "mod-null"},
                            {kFramePointerKernel, "process"}};

// One dump per kernel, opened once for every test of this file, with drgn's reading of it.
struct OpenedDump {
    DumpRow row;
    std::unique_ptr<model::Session> session;
    json drgn;
    ConsoleOracle console;
};

const OpenedDump& opened(const StateCase& c) {
    static std::mutex lock;
    static std::map<std::string, std::unique_ptr<OpenedDump>> dumps;
    std::lock_guard guard(lock);
    auto& slot = dumps[std::string(c.kernel) + c.scenario];
    if (!slot) {
        auto d = std::make_unique<OpenedDump>();
        d->row = manifestRow(c.kernel, c.scenario, "kdump", "kdump-zlib");
        model::SessionOptions options;
        options.dumpPaths = {d->row.dump};
        options.vmlinuxPath = d->row.vmlinux;
        auto session = model::Session::open(options);
        if (!session) throw std::runtime_error(session.error().message);
        d->session = std::move(*session);
        d->drgn = readWithDrgn(d->row);
        d->console = readConsole(d->row.console);
        slot = std::move(d);
    }
    return *slot;
}

std::string rtrim(std::string s) {
    while (!s.empty() && s.back() == ' ')
        s.pop_back();
    return s;
}

// avenrun[] as /proc/loadavg prints it.
std::string loadText(uint64_t fixed) {
    const uint64_t x = fixed + 2048 / 200;
    char text[32];
    std::snprintf(text, sizeof text, "%lu.%02lu", static_cast<unsigned long>(x >> 11),
                  static_cast<unsigned long>(((x & 2047) * 100) >> 11));
    return text;
}

// Every console line of the crashed kernel, its last words after the panic line included (the
// oracle's kernelLines stop at the panic line; the CPU line of a sysrq panic follows it).
std::vector<std::string> crashedKernelConsole(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    int banners = 0;
    for (std::string line; std::getline(in, line);) {
        if (line.find("Linux version ") != std::string::npos && ++banners == 2) break;
        lines.push_back(line);
    }
    return lines;
}

class MemoryState : public ::testing::TestWithParam<StateCase> {};

TEST_P(MemoryState, SysMatchesDrgnAndTheConsole) {
    const auto& d = opened(GetParam());
    auto sys = d.session->systemInfo();
    ASSERT_TRUE(sys) << sys.error().message;
    ASSERT_TRUE(sys->wallClockSeconds);
    EXPECT_EQ(*sys->wallClockSeconds, d.drgn["xtime_sec"].get<int64_t>());
    ASSERT_TRUE(sys->loadAverage);
    for (size_t i = 0; i < 3; ++i)
        EXPECT_EQ((*sys->loadAverage)[i], loadText(d.drgn["avenrun"][i].get<uint64_t>()));
    EXPECT_EQ(sys->totalRamPages, d.drgn["totalram"].get<uint64_t>());
    auto tasks = d.session->tasks();
    ASSERT_TRUE(tasks);
    EXPECT_EQ(sys->taskCount, tasks->tasks.size());
    EXPECT_EQ(sys->taintMask, d.drgn["tainted_mask"].get<uint64_t>());

    // The crashed kernel's last "Tainted: G           OE      RELEASE" (or "Not tainted").
    std::optional<std::string> printed;
    std::vector<std::string> names; // 6.12: "Tainted: [O]=OOT_MODULE, [E]=UNSIGNED_MODULE"
    std::map<std::string, std::string> linkedIn; // "Modules linked in: panicscope_crash(OE)"
    for (const auto& line : crashedKernelConsole(d.row.console)) {
        if (line.find("Not tainted " + d.console.release) != std::string::npos) {
            printed = "Not tainted";
        } else if (auto t = line.find("Tainted: "); t != std::string::npos) {
            const std::string rest = line.substr(t + 9);
            if (rest.starts_with("[")) {
                names.clear();
                static const std::regex name(R"(\[(.)\]=(\w+))");
                for (std::sregex_iterator m(rest.begin(), rest.end(), name), end; m != end; ++m)
                    names.push_back((*m)[1].str() + "=" + (*m)[2].str());
            } else if (auto r = rest.find(d.console.release); r != std::string::npos) {
                printed = rtrim(rest.substr(0, r));
            }
        }
        if (auto m = line.find("Modules linked in: "); m != std::string::npos) {
            static const std::regex entry(R"(([\w-]+)\(([A-Z]+)\))");
            const std::string list = line.substr(m);
            linkedIn.clear();
            for (std::sregex_iterator e(list.begin(), list.end(), entry), end; e != end; ++e)
                linkedIn[(*e)[1].str()] = (*e)[2].str();
        }
    }
    ASSERT_TRUE(printed) << "no taint line on the console of " << d.row.dump;
    EXPECT_EQ(rtrim(sys->taintText), *printed);
    EXPECT_EQ(sys->taintNames, names);
    std::map<std::string, std::string> ours;
    for (const auto& m : sys->taintingModules)
        ours[m.name] = m.letters;
    EXPECT_EQ(ours, linkedIn);
    for (const auto& [name, taints] : d.drgn["modules"].items())
        if (ours.contains(name)) {
            auto it = std::find_if(sys->taintingModules.begin(), sys->taintingModules.end(),
                                   [&](const auto& m) { return m.name == name; });
            EXPECT_EQ(it->taints, taints.get<uint64_t>()) << name;
        }
    if (std::string(GetParam().scenario).starts_with("mod-")) {
        EXPECT_FALSE(linkedIn.empty()) << "the oracle found no tainting module";
    }

    // The CLI prints the same, in crash's words.
    auto text = runCli({"sys", d.row.dump, "--vmlinux", d.row.vmlinux});
    ASSERT_EQ(text.status, 0) << text.err;
    EXPECT_NE(text.out.find("        DATE: " + report::formatWallClock(*sys->wallClockSeconds)),
              std::string::npos)
        << text.out;
    EXPECT_NE(text.out.find("LOAD AVERAGE: " + (*sys->loadAverage)[0] + ", "), std::string::npos);
}

TEST_P(MemoryState, KmemTotalsMatchDrgnsCounters) {
    const auto& d = opened(GetParam());
    auto m = d.session->memoryTotals();
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->totalRam, d.drgn["totalram"].get<uint64_t>()); // MemTotal
    EXPECT_EQ(m->free, d.drgn["free"].get<uint64_t>());         // MemFree
    EXPECT_EQ(m->shared, d.drgn["shmem"].get<uint64_t>());      // Shmem
    EXPECT_EQ(m->buffers, d.drgn["buffers"].get<uint64_t>());   // Buffers
    const int64_t cached = d.drgn["file"].get<int64_t>() - d.drgn["swapcache"].get<int64_t>() -
                           d.drgn["buffers"].get<int64_t>();
    EXPECT_EQ(m->cached(), uint64_t(std::max<int64_t>(cached, 0))); // Cached
    ASSERT_TRUE(m->slabReclaimable && m->slabUnreclaimable);
    EXPECT_EQ(*m->slabReclaimable + *m->slabUnreclaimable, d.drgn["slab"].get<uint64_t>());
    EXPECT_TRUE(m->warnings.empty()) << m->warnings.front();

    auto out = runCli({"kmem", "-i", "--json", d.row.dump, "--vmlinux", d.row.vmlinux});
    ASSERT_EQ(out.status, 0) << out.err;
    const auto j = json::parse(out.out);
    EXPECT_EQ(j["total_ram_pages"], d.drgn["totalram"]);
    EXPECT_EQ(j["used_pages"].get<uint64_t>(), m->totalRam - m->free);
}

TEST_P(MemoryState, KmemAddrNamesTasksStacksSymbolsAndPerCpuData) {
    const auto& d = opened(GetParam());
    const auto& s = *d.session;
    auto tasks = s.tasks();
    ASSERT_TRUE(tasks);
    // Every task_struct is a task_struct slab object starting there, but CPU 0's idle task:
    // init_task, a kernel data symbol.
    for (const auto& t : tasks->tasks) {
        auto a = s.describeAddress(t.address + 0x10);
        ASSERT_TRUE(a) << a.error().message;
        if (t.pid == 0 && t.cpu == 0) {
            EXPECT_EQ(a->kind, model::AddressKind::KernelData) << report::addressSummary(*a);
            EXPECT_EQ(a->symbol, "init_task");
            EXPECT_EQ(a->symbolOffset, 0x10u);
            continue;
        }
        ASSERT_EQ(a->kind, model::AddressKind::Slab) << report::addressSummary(*a);
        EXPECT_EQ(a->slab->cache, "task_struct");
        EXPECT_EQ(a->slab->object, t.address);
        EXPECT_EQ(a->offset, 0x10u);
    }

    // The crashing task's frames: each sp on the stack bt says, each pc in its function.
    auto crashing = s.crashingTask();
    ASSERT_TRUE(crashing && *crashing);
    auto trace = s.backtrace(**crashing, {});
    ASSERT_TRUE(trace) << trace.error().message;
    size_t onTaskStack = 0, inModules = 0;
    for (const auto& f : trace->frames) {
        if (f.userMode || f.stack.name.empty()) continue;
        auto sp = s.describeAddress(f.sp);
        ASSERT_TRUE(sp);
        if (f.stack.name == "task stack") {
            ++onTaskStack;
            EXPECT_EQ(sp->kind, model::AddressKind::TaskStack) << report::addressSummary(*sp);
            ASSERT_TRUE(sp->stack);
            EXPECT_EQ(sp->stack->pid, (*crashing)->pid);
            EXPECT_EQ(sp->stack->task, (*crashing)->address);
            EXPECT_EQ(sp->stack->base + sp->offset, f.sp);
        } else {
            EXPECT_EQ(sp->kind, model::AddressKind::CpuStack) << report::addressSummary(*sp);
            ASSERT_TRUE(sp->stack);
            EXPECT_EQ(sp->stack->name, f.stack.name);
        }
        if (!f.function) continue;
        // A return address may end its function (a call to a noreturn one): ask for the call.
        const uint64_t code = unwind::codeAddressOf(f.pc, f.interrupted);
        auto pc = s.describeAddress(code);
        ASSERT_TRUE(pc);
        EXPECT_EQ(pc->symbol, *f.function) << report::addressSummary(*pc);
        EXPECT_EQ(pc->symbolOffset + (f.pc - code), f.offset);
        EXPECT_EQ(pc->module, f.module);
        EXPECT_EQ(pc->kind, f.module ? model::AddressKind::Module : model::AddressKind::KernelText);
        if (f.module) {
            ++inModules;
            EXPECT_EQ(pc->section, "text");
        }
    }
    EXPECT_GT(onTaskStack, 0u);
    if (std::string(GetParam().scenario).starts_with("mod-")) {
        EXPECT_GT(inModules, 0u);
    }

    const uint64_t jiffies = d.drgn["jiffies"].get<uint64_t>();
    auto data = s.describeAddress(jiffies);
    ASSERT_TRUE(data);
    EXPECT_EQ(data->kind, model::AddressKind::KernelData);
    EXPECT_EQ(data->symbolOffset, 0u); // jiffies, or jiffies_64 at the same address
    EXPECT_TRUE(data->symbol == "jiffies" || data->symbol == "jiffies_64") << *data->symbol;

    const uint64_t runqueue = d.drgn["runqueues_cpu1"].get<uint64_t>();
    auto perCpu = s.describeAddress(runqueue + 0x40);
    ASSERT_TRUE(perCpu);
    EXPECT_EQ(perCpu->kind, model::AddressKind::PerCpu) << report::addressSummary(*perCpu);
    EXPECT_EQ(perCpu->cpu, 1u);
    EXPECT_EQ(perCpu->symbol, "runqueues");
    EXPECT_EQ(perCpu->symbolOffset, 0x40u);

    auto user = s.describeAddress(0x400000);
    ASSERT_TRUE(user);
    EXPECT_EQ(user->kind, model::AddressKind::User);
    auto hole = s.describeAddress(0xffff800000000000); // below the direct map: nothing there
    ASSERT_TRUE(hole);
    EXPECT_EQ(hole->kind, model::AddressKind::Unknown) << report::addressSummary(*hole);

    // The CLI: kmem ADDR's first line is the summary, --json the same facts.
    const std::string task = hex((*crashing)->address);
    auto text = runCli({"kmem", task, d.row.dump, "--vmlinux", d.row.vmlinux});
    ASSERT_EQ(text.status, 0) << text.err;
    EXPECT_TRUE(
        text.out.starts_with(hex16((*crashing)->address) + ": slab object of cache task_struct: "))
        << text.out;
    auto whatis = runCli({"whatis", task, d.row.dump, "--vmlinux", d.row.vmlinux});
    ASSERT_EQ(whatis.status, 0) << whatis.err;
    EXPECT_EQ(whatis.out, text.out.substr(0, text.out.find('\n') + 1)); // the summary line
    auto asJson = runCli({"kmem", "--json", task, d.row.dump, "--vmlinux", d.row.vmlinux});
    ASSERT_EQ(asJson.status, 0) << asJson.err;
    const auto j = json::parse(asJson.out)["address"];
    EXPECT_EQ(j["kind"], "slab");
    EXPECT_EQ(j["slab"]["cache"], "task_struct");
    EXPECT_EQ(j["slab"]["object"], task);
}

INSTANTIATE_TEST_SUITE_P(Kernels, MemoryState, ::testing::ValuesIn(kCases), [](const auto& info) {
    std::string name = std::string(info.param.kernel) + "_" + info.param.scenario;
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return name;
});

TEST(MemoryStateCli, KmemNeedsTotalsOrAnAddress) {
    const auto& row = manifestRow("process", "kdump", "kdump-zlib");
    auto neither = runCli({"kmem", row.dump, "--vmlinux", row.vmlinux});
    EXPECT_EQ(neither.status, 2);
    EXPECT_EQ(neither.err, "panicscope: kmem: give -i or an address (usage: panicscope kmem -i "
                           "DUMP, or panicscope kmem ADDR DUMP)\n");
    auto notHex = runCli({"kmem", "jiffies", row.dump, "--vmlinux", row.vmlinux});
    EXPECT_EQ(notHex.status, 2);
    EXPECT_NE(notHex.err.find("'jiffies' is not a hex address"), std::string::npos);
    auto help = runCli({"kmem", "--help"});
    EXPECT_EQ(help.status, 0);
    EXPECT_NE(help.out.find("-i"), std::string::npos);
}

} // namespace
} // namespace panicscope::testing
