// Working from the dump alone (--no-vmlinux): symbols from kallsyms, struct layouts from the
// in-memory BTF, ORC and entry code read from the kernel image in the dump. Each verb must
// answer as it does with the vmlinux, less file:line and inline frames; bt must still match the
// kernel's own sysrq-t traces; the decoded kallsyms must be the kernel's System.map; a kernel
// without BTF gets one line saying so.
#include "bt_frames.h"
#include "console_oracle.h"
#include "dump/dump_file.h"
#include "dump_manifest.h"
#include "run_cli.h"
#include "symbols/kallsyms.h"
#include "symbols/vmlinux.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <utility>

namespace panicscope::testing {
namespace {

using nlohmann::json;

struct AloneCase {
    const char* kernel;
    const char* scenario;
};

// One process dump and one module crash per ORC kernel, by kdump.
const AloneCase kCases[] = {
    {kMainKernel, "process"},
    {kMainKernel, "mod-bug"},
    {"6.12.117+deb12-cloud-amd64", "process"},
    {"6.12.117+deb12-cloud-amd64", "mod-bug"},
};

std::string aloneCaseName(const AloneCase& c) {
    std::string name =
        std::string(c.kernel).substr(0, std::string(c.kernel).find('-')) + "_" + c.scenario;
    for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return "k" + name;
}

// A verb's output in both modes, run once per dump and verb (bt --all is the slow one).
struct BothModes {
    CliResult withVmlinux, alone;
};

const BothModes& runBoth(const DumpRow& row, const std::vector<std::string>& verb) {
    static std::map<std::string, BothModes> cache;
    std::string key = row.dump;
    for (const auto& v : verb)
        key += " " + v;
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
    auto args = verb;
    args.push_back(row.dump);
    BothModes both;
    auto withVmlinux = args;
    withVmlinux.insert(withVmlinux.end(), {"--vmlinux", row.vmlinux});
    both.withVmlinux = runCli(withVmlinux);
    auto alone = args;
    alone.push_back("--no-vmlinux");
    both.alone = runCli(alone);
    return cache.emplace(key, std::move(both)).first->second;
}

// Each task's physical frames as the kernel would name them (function, offset, module), where
// they are (pc, sp, stack, the slot of the return address) and the boundaries crossed: what
// does not need DWARF. Inline frames, file and line do; so does how a frame was found where ORC
// has no rule (DWARF CFI with the vmlinux, the function's code without). A boundary is printed
// on the first frame after it, which with the vmlinux may be an inline frame: it counts for
// the physical frame that holds it.
json framesOf(const json& bt) {
    json out = json::array();
    for (const auto& task : bt["tasks"]) {
        json frames = json::array();
        json boundary = nullptr;
        for (const auto& f : task["frames"]) {
            if (boundary.is_null()) boundary = f["boundary"];
            if (f["inline"].get<bool>()) continue;
            json kept;
            for (const char* key : {"function", "offset", "module", "pc", "sp", "stack", "slot",
                                    "user", "interrupted"})
                kept[key] = f[key];
            kept["boundary"] = std::exchange(boundary, nullptr);
            frames.push_back(kept);
        }
        out.push_back({{"pid", task["pid"]},
                       {"task", task["task"]},
                       {"status", task["status"]},
                       {"reason", task["reason"]},
                       {"frames", frames}});
    }
    return out;
}

const char* kAloneNote = "no vmlinux: symbols, types and unwind data come from the dump's memory "
                         "(kallsyms, BTF, ORC); no file:line or inline frames";

class DumpAlone : public ::testing::TestWithParam<AloneCase> {
  protected:
    void SetUp() override {
        row = manifestRow(GetParam().kernel, GetParam().scenario, "kdump", "kdump-zlib");
    }
    DumpRow row;
};

TEST_P(DumpAlone, BtAllHasTheSameFramesAsWithTheVmlinux) {
    const auto& r = runBoth(row, {"bt", "--all", "--json"});
    ASSERT_EQ(r.withVmlinux.status, 0) << r.withVmlinux.err;
    ASSERT_EQ(r.alone.status, 0) << r.alone.err;
    EXPECT_EQ(r.alone.err,
              std::string("panicscope: warning: ") + kAloneNote + " (results may be partial)\n");
    const json aloneDoc = json::parse(r.alone.out), vmlinuxDoc = json::parse(r.withVmlinux.out);
    const json ours = framesOf(aloneDoc), theirs = framesOf(vmlinuxDoc);
    ASSERT_EQ(ours.size(), theirs.size());
    ASSERT_GT(ours.size(), 20u);
    size_t frames = 0, differing = 0;
    for (size_t i = 0; i < ours.size(); ++i) {
        frames += theirs[i]["frames"].size();
        if (ours[i] != theirs[i] && ++differing <= 3)
            ADD_FAILURE() << "pid " << theirs[i]["pid"]
                          << " differs\n  dump alone: " << ours[i].dump()
                          << "\n  vmlinux:    " << theirs[i].dump();
    }
    EXPECT_EQ(differing, 0u) << "tasks whose frames or status differ";
    EXPECT_GT(frames, 100u);

    // When panic() starts kdump, crash_setup_regs() saves the panic CPU's registers in
    // __crash_kexec, which objtool skips (no ORC): the vmlinux's DWARF CFI steps out of it, and
    // from the dump alone the stack depth its code gives there -- not a guess. (An oops starts
    // kdump with the oops's registers instead: no __crash_kexec frame.)
    size_t outOfCrashKexec = 0;
    for (size_t i = 0; i < ours.size(); ++i) {
        const json& a = aloneDoc["tasks"][i]["frames"];
        const json& b = vmlinuxDoc["tasks"][i]["frames"];
        std::string previous;
        for (size_t f = 0; f < a.size(); ++f) {
            if (previous == "__crash_kexec") {
                ++outOfCrashKexec;
                EXPECT_EQ(a[f]["found_by"], "prologue") << a[f].dump();
                const auto same = std::find_if(b.begin(), b.end(), [&](const json& v) {
                    return v["sp"] == a[f]["sp"] && !v["inline"].get<bool>();
                });
                ASSERT_NE(same, b.end());
                EXPECT_EQ((*same)["found_by"], "cfi") << same->dump();
            }
            previous = a[f]["function"].is_string() ? a[f]["function"].get<std::string>() : "";
        }
    }
    if (std::string(GetParam().scenario) == "process")
        EXPECT_EQ(outOfCrashKexec, 1u)
            << "sysrq-c panics: the panic CPU's task is in __crash_kexec";
    else
        EXPECT_LE(outOfCrashKexec, 1u);
}

// A JSON document without the one warning the dump-alone mode adds to every document's
// "warnings" (and checked to be there).
std::string withoutAloneNote(const std::string& text, bool alone) {
    json doc = json::parse(text);
    json kept = json::array();
    bool noted = false;
    for (const auto& w : doc["warnings"])
        if (w == kAloneNote)
            noted = true;
        else
            kept.push_back(w);
    EXPECT_EQ(noted, alone) << doc["warnings"];
    doc["warnings"] = kept;
    return doc.dump(2);
}

TEST_P(DumpAlone, PsAndLogAreIdentical) {
    for (const std::vector<std::string>& verb :
         {std::vector<std::string>{"ps"}, {"ps", "--json"}, {"log"}, {"log", "--json"}}) {
        const auto& r = runBoth(row, verb);
        ASSERT_EQ(r.withVmlinux.status, 0) << r.withVmlinux.err;
        ASSERT_EQ(r.alone.status, 0) << r.alone.err;
        if (verb.size() == 2)
            EXPECT_EQ(withoutAloneNote(r.alone.out, true),
                      withoutAloneNote(r.withVmlinux.out, false))
                << verb[0];
        else
            EXPECT_EQ(r.alone.out, r.withVmlinux.out) << verb[0];
        EXPECT_GT(r.alone.out.size(), 1000u);
    }
}

// info's lines but those that say where the data came from (documented in README.md) and the
// note of the dump-alone mode.
std::string infoWithoutSources(const std::string& text) {
    std::istringstream in(text);
    std::string out;
    for (std::string line; std::getline(in, line);) {
        const size_t start = line.find_first_not_of(' ');
        const std::string label = line.substr(start, line.find(": ") - start);
        if (label == "VMLINUX" || label == "SYMBOLS" || label == "TYPES" || label == "UNWIND" ||
            label == "SOURCE LINES" || line.find(kAloneNote) != std::string::npos)
            continue;
        out += line + "\n";
    }
    return out;
}

TEST_P(DumpAlone, InfoIsIdenticalButForWhereTheDataCameFrom) {
    const auto& text = runBoth(row, {"info"});
    ASSERT_EQ(text.alone.status, 0) << text.alone.err;
    EXPECT_EQ(infoWithoutSources(text.alone.out), infoWithoutSources(text.withVmlinux.out));
    EXPECT_NE(text.alone.out.find("       VMLINUX: none (working from the dump alone)\n"
                                  "       RELEASE: "),
              std::string::npos)
        << text.alone.out;
    EXPECT_NE(text.alone.out.find("       SYMBOLS: kallsyms (the dump's memory)\n"
                                  "         TYPES: BTF (the dump's memory)\n"
                                  "        UNWIND: ORC and entry code (the dump's memory)\n"
                                  "  SOURCE LINES: none (they need the vmlinux's DWARF)\n"),
              std::string::npos)
        << text.alone.out;

    const auto& j = runBoth(row, {"info", "--json"});
    ASSERT_EQ(j.alone.status, 0) << j.alone.err;
    json alone = json::parse(j.alone.out), withVmlinux = json::parse(j.withVmlinux.out);
    EXPECT_EQ(alone["sources"], json::parse(R"({"from": "dump", "symbols": "kallsyms",
        "types": "btf", "unwind": "orc", "dwarf": false})"));
    EXPECT_EQ(withVmlinux["sources"], json::parse(R"({"from": "vmlinux", "symbols": "elf",
        "types": "btf", "unwind": "orc", "dwarf": true})"));
    EXPECT_EQ(alone["vmlinux"], "");
    EXPECT_EQ(alone["warnings"], json::array({kAloneNote}));
    for (auto* doc : {&alone, &withVmlinux})
        for (const char* key : {"sources", "vmlinux", "warnings"})
            doc->erase(key);
    EXPECT_EQ(alone, withVmlinux); // the build ID too: VMCOREINFO's is the vmlinux's
}

// With a dump, entry-table lists the calls of the entry code as the running kernel has them (its
// code as patched at boot, read from the dump) in both modes. The vmlinux file's table, without a
// dump, also has the calls of the alternatives the kernel did not choose, and names both callees
// of a patched call ("xen_error_entry|error_entry"): every running row is one of its rows at the
// same address (less the KASLR offset), with one of its callees.
TEST_P(DumpAlone, EntryTableIsTheRunningKernelsInBothModes) {
    const auto& r = runBoth(row, {"entry-table", "--json"});
    ASSERT_EQ(r.withVmlinux.status, 0) << r.withVmlinux.err;
    ASSERT_EQ(r.alone.status, 0) << r.alone.err;
    EXPECT_EQ(withoutAloneNote(r.alone.out, true), withoutAloneNote(r.withVmlinux.out, false));
    const json running = json::parse(r.alone.out);
    EXPECT_EQ(running["code"], "running");
    EXPECT_EQ(running["addresses"], "runtime");

    const auto file = runCli({"entry-table", "--json", "--vmlinux", row.vmlinux});
    ASSERT_EQ(file.status, 0) << file.err;
    const json fileTable = json::parse(file.out);
    EXPECT_EQ(fileTable["code"], "vmlinux");
    const auto& info = runBoth(row, {"info", "--json"});
    const uint64_t slide = std::stoull(
        json::parse(info.withVmlinux.out)["kaslr_offset"].get<std::string>(), nullptr, 16);
    std::map<uint64_t, json> fileRows;
    for (const auto& row : fileTable["rows"])
        fileRows[std::stoull(row["return_address"].get<std::string>(), nullptr, 16) + slide] = row;
    size_t pt_regs = 0;
    std::set<std::string> kinds;
    for (const auto& row : running["rows"]) {
        const auto it =
            fileRows.find(std::stoull(row["return_address"].get<std::string>(), nullptr, 16));
        ASSERT_NE(it, fileRows.end()) << "not in the vmlinux file's table: " << row.dump();
        json a = row, b = it->second;
        const std::string callees = "|" + b["callee"].get<std::string>() + "|";
        EXPECT_NE(callees.find("|" + a["callee"].get<std::string>() + "|"), std::string::npos)
            << a.dump() << " vs " << b.dump();
        for (auto* r : {&a, &b}) {
            r->erase("callee");
            r->erase("return_address");
        }
        EXPECT_EQ(a, b);
        pt_regs += row["kind"] != "stack-switch";
        kinds.insert(row["kind"]);
    }
    // Every entry point's calls are there: syscalls, interrupts, exceptions, NMI, new tasks.
    for (const char* kind : {"syscall", "interrupt", "exception", "nmi", "user", "stack-switch"})
        EXPECT_TRUE(kinds.contains(kind)) << kind;
    EXPECT_GT(pt_regs, 50u);
    EXPECT_GT(running["rows"].size(), fileTable["rows"].size() * 3 / 4);
}

TEST_P(DumpAlone, SymNamesTheSameSymbolsLessTheirLines) {
    // The functions bt printed for the crashing task, by name and by address.
    const auto& bt = runBoth(row, {"bt", "--json"});
    ASSERT_EQ(bt.alone.status, 0) << bt.alone.err;
    const json tasks = json::parse(bt.withVmlinux.out)["tasks"];
    ASSERT_FALSE(tasks.empty());
    size_t compared = 0;
    for (const auto& f : tasks[0]["frames"]) {
        if (f["function"].is_null() || f["inline"].get<bool>()) continue;
        if (compared == 6) break; // a few frames: each query opens the dump twice
        // A return address may be just past a function that ends in its call (a noreturn
        // callee): the call itself is at pc - 1, as bt names it.
        const uint64_t pc = std::stoull(f["pc"].get<std::string>(), nullptr, 16);
        std::ostringstream code;
        code << "0x" << std::hex << (f["interrupted"].get<bool>() ? pc : pc - 1);
        for (const std::string& query : {f["function"].get<std::string>(), code.str()}) {
            const auto& r = runBoth(row, {"sym", "--json", query});
            ASSERT_EQ(r.withVmlinux.status, 0) << query << ": " << r.withVmlinux.err;
            ASSERT_EQ(r.alone.status, 0) << query << ": " << r.alone.err;
            json a = json::parse(r.alone.out), b = json::parse(r.withVmlinux.out);
            for (auto* doc : {&a, &b}) {
                doc->erase("file");
                doc->erase("line");
                doc->erase("warnings");
            }
            EXPECT_EQ(a, b) << query;
            ++compared;
        }
    }
    EXPECT_GE(compared, 4u);
}

TEST_P(DumpAlone, SleepersMatchTheKernelsSysrqT) {
    const ConsoleOracle console = readConsole(row.console);
    const auto& bt = runBoth(row, {"bt", "--all", "--json"});
    ASSERT_EQ(bt.alone.status, 0) << bt.alone.err;
    const auto& ps = runBoth(row, {"ps", "--json"});
    ASSERT_EQ(ps.alone.status, 0) << ps.alone.err;
    const json btDoc = json::parse(bt.alone.out), psDoc = json::parse(ps.alone.out);
    std::map<std::string, json> byTask;
    for (const auto& t : btDoc["tasks"])
        byTask[t["task"]] = t;
    size_t compared = 0;
    for (const auto& t : psDoc["tasks"]) {
        const int pid = t["pid"];
        const auto theirs = console.sysrqTraces.find(pid);
        const auto before = console.switchesBefore.find(pid);
        if (theirs == console.sysrqTraces.end() || before == console.switchesBefore.end() ||
            t["nvcsw"] != before->second.voluntary || t["nivcsw"] != before->second.involuntary)
            continue; // no trace, or it ran since sysrq-t
        const auto ours = kernelFrames(byTask[t["task"]]);
        EXPECT_TRUE(sameFrames(ours, theirs->second))
            << "pid " << pid << "\n  kernel:" << joined(theirs->second)
            << "\n  panicscope:" << joined(ours);
        ++compared;
    }
    EXPECT_GE(compared, 20u);
}

INSTANTIATE_TEST_SUITE_P(Generated, DumpAlone, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return aloneCaseName(info.param); });

// The System.map generate.sh keeps beside each kernel's vmlinux: name -> link addresses.
std::multimap<std::string, uint64_t> systemMap(const DumpRow& row) {
    const auto path = std::filesystem::path(row.vmlinux).parent_path() / "System.map";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::multimap<std::string, uint64_t> out;
    std::string address, type, name;
    while (in >> address >> type >> name)
        out.emplace(name, std::stoull(address, nullptr, 16));
    return out;
}

class KallsymsOfDump : public ::testing::TestWithParam<const char*> {};

TEST_P(KallsymsOfDump, EverySymbolIsTheKernelsSystemMapEntry) {
    const auto& row = manifestRow(GetParam(), "process", "kdump", "kdump-zlib");
    auto dump = dump::DumpFile::open({row.dump});
    ASSERT_TRUE(dump) << dump.error().message;
    const auto symbols = symbols::readKallsyms(**dump, (*dump)->vmcoreinfo());
    ASSERT_TRUE(symbols) << symbols.error().message;
    const uint64_t slide = *(*dump)->vmcoreinfo().kernelOffset();
    const auto map = systemMap(row);
    size_t found = 0;
    std::string missing;
    for (const auto& s : *symbols) {
        const uint64_t link = s.absolute ? s.address : s.address - slide;
        const auto [first, last] = map.equal_range(s.name);
        if (std::any_of(first, last, [&](const auto& e) { return e.second == link; }))
            ++found;
        else if (missing.size() < 400)
            missing += " " + s.name + "@" + std::to_string(link);
    }
    EXPECT_EQ(found, symbols->size()) << "not in System.map at that address:" << missing;
    // kallsyms leaves out only a few kinds of symbols System.map lists (absolute constants,
    // __kstrtab and the like): it has nearly all.
    EXPECT_GT(symbols->size(), map.size() * 9 / 10) << map.size() << " in System.map";
}

TEST_P(KallsymsOfDump, AKernelWithoutBtfSaysSoInOneLine) {
    // The frame-pointer kernel: whether it has BTF is what its System.map says.
    const auto& row = manifestRow(GetParam(), "process", "kdump", "kdump-zlib");
    const bool hasBtf = systemMap(row).contains("__start_BTF");
    const auto r = runCli({"ps", row.dump, "--no-vmlinux"});
    if (hasBtf) {
        EXPECT_EQ(r.status, 0) << r.err;
        return;
    }
    const std::string noBtf = std::string(GetParam()) +
                              " has no BTF in memory (built without CONFIG_DEBUG_INFO_BTF), and "
                              "struct layouts need it or the vmlinux: give --vmlinux FILE\n";
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "panicscope: the dump alone is not enough: " + noBtf);
    // Without --no-vmlinux, when no vmlinux is found: both reasons in one line.
    const auto found = runCli({"ps", row.dump, "--debug-dir", "/nonexistent"});
    EXPECT_EQ(found.status, 1);
    EXPECT_TRUE(found.err.starts_with("panicscope: no vmlinux for " + std::string(GetParam()) +
                                      " with build ID "))
        << found.err;
    EXPECT_NE(found.err.find(" found (give --vmlinux FILE; looked in /nonexistent/"),
              std::string::npos)
        << found.err;
    EXPECT_TRUE(found.err.ends_with("), and the dump alone is not enough: " + noBtf)) << found.err;
    EXPECT_EQ(std::count(found.err.begin(), found.err.end(), '\n'), 1);
}

INSTANTIATE_TEST_SUITE_P(Kernels, KallsymsOfDump, ::testing::ValuesIn(kKernels),
                         [](const auto& info) {
                             std::string name = info.param;
                             for (char& ch : name)
                                 if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                             return "k" + name;
                         });

TEST(DumpAloneOptions, NoVmlinuxAndVmlinuxExcludeEachOther) {
    const auto r = runCli({"ps", "dump", "--no-vmlinux", "--vmlinux", "vmlinux"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--no-vmlinux and --vmlinux exclude each other"), std::string::npos)
        << r.err;
}

// The issue's proof on every generated dump of an ORC kernel -- each capture method and format,
// the big scale dump too -- not only the four cases above: bt --all's frames (status and
// reason too), ps --json, log and info are the same from the dump alone as with the vmlinux.
// One test per kernel; left out of the sanitizer stage (scripts/test.sh), whose DumpAlone cases
// above cover the same code.
class DumpAloneEveryDump : public ::testing::TestWithParam<const char*> {};

TEST_P(DumpAloneEveryDump, BtPsLogAndInfoAreTheSame) {
    size_t dumps = 0;
    for (const DumpRow& row : manifestRows()) {
        if (row.kernel != GetParam()) continue;
        SCOPED_TRACE(row.scenario + " " + row.method + " " + row.format);
        ++dumps;
        auto run = [&](std::vector<std::string> args, bool alone) {
            args.push_back(row.dump);
            if (alone)
                args.push_back("--no-vmlinux");
            else
                args.insert(args.end(), {"--vmlinux", row.vmlinux});
            auto r = runCli(args);
            EXPECT_EQ(r.status, 0) << r.err;
            return r.out;
        };
        const json ours = framesOf(json::parse(run({"bt", "--all", "--json"}, true)));
        const json theirs = framesOf(json::parse(run({"bt", "--all", "--json"}, false)));
        ASSERT_EQ(ours.size(), theirs.size());
        for (size_t i = 0; i < ours.size(); ++i)
            ASSERT_EQ(ours[i], theirs[i]) << "pid " << theirs[i]["pid"];
        EXPECT_EQ(withoutAloneNote(run({"ps", "--json"}, true), true),
                  withoutAloneNote(run({"ps", "--json"}, false), false));
        EXPECT_EQ(run({"log"}, true), run({"log"}, false));
        EXPECT_EQ(infoWithoutSources(run({"info"}, true)),
                  infoWithoutSources(run({"info"}, false)));
    }
    EXPECT_GE(dumps, 25u) << "every capture of every scenario";
}

INSTANTIATE_TEST_SUITE_P(Kernels, DumpAloneEveryDump,
                         ::testing::Values(kMainKernel, "6.12.117+deb12-cloud-amd64"),
                         [](const auto& info) {
                             std::string name = info.param;
                             for (char& ch : name)
                                 if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                             return "k" + name;
                         });

} // namespace
} // namespace panicscope::testing
