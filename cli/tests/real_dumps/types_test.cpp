// The type verbs (struct, p, whatis, list) on a real dump of each kernel -- BTF with DWARF
// behind it on the Debian kernels, DWARF alone on the frame-pointer one -- against drgn reading
// the same dump (drgn_oracle.py, one drgn process per dump) and the crashed kernel's
// console: values, member offsets, declarations and list walks.
#include "console_oracle.h"
#include "drgn_facts.h"
#include "dump_manifest.h"
#include "model/session.h"
#include "report/type_report.h"
#include "run_cli.h"
#include "util/hex.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <sstream>

namespace panicscope::testing {
namespace {

using nlohmann::json;
using types::Value;

// One dump of a kernel opened once for every test, with drgn's answers about it.
struct TypesFixture {
    const DumpRow* row = nullptr;
    std::unique_ptr<model::Session> session;
    std::vector<model::TaskRow> tasks;
    json drgn;
};

const TypesFixture& fixture(const std::string& kernel) {
    static std::mutex lock;
    static std::map<std::string, TypesFixture> opened;
    std::lock_guard guard(lock);
    if (auto it = opened.find(kernel); it != opened.end()) return it->second;
    TypesFixture f;
    f.row = &manifestRow(kernel, "process", "kdump", "kdump-zlib");
    model::SessionOptions options;
    options.dumpPaths = {f.row->dump};
    options.vmlinuxPath = f.row->vmlinux;
    auto session = model::Session::open(options);
    if (!session) throw std::runtime_error(session.error().message);
    f.session = std::move(*session);
    auto tasks = f.session->tasks();
    if (!tasks) throw std::runtime_error(tasks.error().message);
    f.tasks = tasks->tasks;
    f.drgn = drgnFacts(*f.row);
    return opened.emplace(kernel, std::move(f)).first->second;
}

// The member `name` of a struct value, looking through anonymous members; nullptr if none.
const Value* memberOf(const Value& v, const std::string& name) {
    for (const auto& c : v.children) {
        if (c.name == name) return &c;
        if (c.name.empty())
            if (const Value* inner = memberOf(c, name)) return inner;
    }
    return nullptr;
}

// Every named member's bit offset, anonymous structs and unions looked through (as drgn's
// oracle lists them).
void flatten(const std::vector<model::TypeMember>& members, std::map<std::string, uint64_t>& out) {
    for (const auto& m : members) {
        if (m.name.empty()) {
            flatten(m.members, out);
            continue;
        }
        out.emplace(m.name, m.offset * 8 + m.bitOffset);
    }
}

std::vector<std::string> cli(const TypesFixture& f, std::vector<std::string> args,
                             CliResult* result = nullptr) {
    args.insert(args.end(), {f.row->dump, "--vmlinux", f.row->vmlinux});
    CliResult r = runCli(args);
    if (result) *result = r;
    std::vector<std::string> lines;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

class TypeVerbs : public ::testing::TestWithParam<const char*> {
  protected:
    const TypesFixture& f() { return fixture(GetParam()); }
};

TEST_P(TypeVerbs, GlobalsAreDrgnsAndTheConsoles) {
    const auto& s = *f().session;
    auto jiffies = s.readVariable("jiffies");
    ASSERT_TRUE(jiffies) << jiffies.error().message;
    ASSERT_EQ(jiffies->size(), 1u);
    EXPECT_EQ(jiffies->front().value.unsignedValue, f().drgn["jiffies"].get<uint64_t>());
    EXPECT_EQ(jiffies->front().value.type, "volatile unsigned long");

    const auto release = f().drgn["release"].get<std::string>();
    EXPECT_EQ(release, readConsole(f().row->console).release);
    CliResult r;
    const auto lines = cli(f(), {"p", "init_uts_ns.name.release"}, &r);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(lines, std::vector<std::string>{"init_uts_ns.name.release = \"" + release + "\""});
    const auto whole = s.readVariable("init_uts_ns");
    ASSERT_TRUE(whole) << whole.error().message;
    const Value* name = memberOf(whole->front().value, "name");
    ASSERT_TRUE(name);
    const Value* member = memberOf(*name, "release");
    ASSERT_TRUE(member);
    EXPECT_EQ(member->kind, Value::Kind::String);
    EXPECT_EQ(member->text, release);
}

TEST_P(TypeVerbs, TaskMembersAreDrgnsAndTheConsoles) {
    const auto& s = *f().session;
    const auto console = readConsole(f().row->console);
    std::map<int, std::string> sysrqNames;
    for (const auto& t : console.sysrqTasks)
        sysrqNames[t.pid] = t.comm;
    size_t namedByConsole = 0;
    for (const auto& task : f().tasks) {
        SCOPED_TRACE("task " + hex(task.address) + " pid " + std::to_string(task.pid));
        const json& d = f().drgn["tasks"][hex(task.address)];
        auto members =
            s.readObject("task_struct", task.address, {"comm", "pid", "se.vruntime", "prio"});
        ASSERT_TRUE(members) << members.error().message;
        ASSERT_EQ(members->size(), 4u);
        EXPECT_EQ((*members)[0].value.text, d["comm"].get<std::string>());
        EXPECT_EQ((*members)[1].value.signedValue, d["pid"].get<int64_t>());
        EXPECT_EQ((*members)[2].value.unsignedValue, d["vruntime"].get<uint64_t>());
        EXPECT_EQ((*members)[3].value.signedValue, d["prio"].get<int64_t>());
        if (auto it = sysrqNames.find(task.pid); it != sysrqNames.end() && task.pid != 0) {
            EXPECT_EQ((*members)[0].value.text, it->second);
            ++namedByConsole;
        }
    }
    EXPECT_GT(namedByConsole, 10u);
    // An object wholly outside the dump is an error naming it; nothing is read as zeros.
    auto nowhere = s.readObject("task_struct", 0x10, {});
    ASSERT_FALSE(nowhere);
    EXPECT_EQ(nowhere.error().code, Errc::NotInDump);
    EXPECT_TRUE(nowhere.error().message.starts_with("struct task_struct at 0x10: "))
        << nowhere.error().message;

    // The CLI's text of one task, as crash prints selected members.
    const auto& task = f().tasks.back();
    const json& d = f().drgn["tasks"][hex(task.address)];
    CliResult r;
    const auto lines = cli(f(), {"struct", "task_struct.comm,pid", hex(task.address)}, &r);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(lines, (std::vector<std::string>{
                         "  comm = \"" + d["comm"].get<std::string>() + "\",",
                         "  pid = " + std::to_string(d["pid"].get<int64_t>()) + ","}));
}

TEST_P(TypeVerbs, PerCpuRunqueueIsDrgns) {
    const auto& s = *f().session;
    if (!f().drgn.contains("runqueues_1")) GTEST_FAIL() << "the dump has one CPU";
    auto rq = s.readVariable("runqueues:1");
    ASSERT_TRUE(rq) << rq.error().message;
    ASSERT_EQ(rq->size(), 1u);
    EXPECT_EQ(rq->front().expression, "per_cpu(runqueues, 1)");
    const Value* running = memberOf(rq->front().value, "nr_running");
    const Value* curr = memberOf(rq->front().value, "curr");
    ASSERT_TRUE(running && curr);
    EXPECT_EQ(running->unsignedValue, f().drgn["runqueues_1"]["nr_running"].get<uint64_t>());
    EXPECT_EQ(curr->text, f().drgn["runqueues_1"]["curr"].get<std::string>());
    // The member path reaches the same value; ":a" reads every CPU.
    auto path = s.readVariable("runqueues.nr_running:a");
    ASSERT_TRUE(path) << path.error().message;
    ASSERT_GE(path->size(), 2u);
    EXPECT_EQ((*path)[1].value.unsignedValue, running->unsignedValue);
    EXPECT_EQ((*path)[1].expression, "per_cpu(runqueues, 1).nr_running");
    auto plain = s.readVariable("runqueues");
    ASSERT_FALSE(plain);
    EXPECT_EQ(plain.error().message,
              "runqueues is a per-CPU variable: give runqueues:CPU, or runqueues:a for every CPU");
}

TEST_P(TypeVerbs, MemberOffsetsAreDrgns) {
    const auto& s = *f().session;
    for (const auto& [name, layout] : f().drgn["layouts"].items()) {
        SCOPED_TRACE(name);
        auto type = s.describeType(name);
        ASSERT_TRUE(type) << type.error().message;
        EXPECT_EQ(type->name, name);
        EXPECT_EQ(type->size, layout["size"].get<uint64_t>());
        std::map<std::string, uint64_t> ours;
        flatten(type->members, ours);
        std::map<std::string, uint64_t> theirs;
        for (const auto& [member, bits] : layout["members"].items())
            theirs[member] = bits.get<uint64_t>();
        EXPECT_EQ(ours, theirs);
    }
    // struct -o's text: the offset column, as crash prints it.
    const auto lines = cli(f(), {"struct", "list_head", "-o"});
    EXPECT_EQ(lines,
              (std::vector<std::string>{"struct list_head {", "  [0x0] struct list_head *next;",
                                        "  [0x8] struct list_head *prev;", "}", "SIZE: 16"}));
}

TEST_P(TypeVerbs, WhatisDeclaresAsDrgnNamesTypes) {
    const auto& s = *f().session;
    auto jiffies64 = s.describeVariable("jiffies_64");
    ASSERT_TRUE(jiffies64) << jiffies64.error().message;
    EXPECT_EQ(jiffies64->declaration,
              f().drgn["jiffies_64_type"].get<std::string>() + " jiffies_64");
    auto uts = s.describeVariable("init_uts_ns");
    ASSERT_TRUE(uts) << uts.error().message;
    EXPECT_EQ(uts->type, f().drgn["init_uts_ns_type"].get<std::string>());
    // include/linux/jiffies.h: extern unsigned long volatile jiffies;
    EXPECT_EQ(cli(f(), {"whatis", "jiffies"}),
              std::vector<std::string>{"volatile unsigned long jiffies;"});
    CliResult r;
    cli(f(), {"whatis", "0xffffffff81000000"}, &r);
    EXPECT_EQ(r.status, 0) << r.err; // an address: what kmem ADDR says, on one line
    EXPECT_TRUE(r.out.starts_with("ffffffff81000000: ")) << r.out;
}

TEST_P(TypeVerbs, TaskListIsDrgnsAndPs) {
    const auto& s = *f().session;
    auto initTask = s.lookupSymbol("init_task");
    ASSERT_TRUE(initTask) << initTask.error().message;
    auto tasks = s.describeType("struct task_struct");
    ASSERT_TRUE(tasks);
    uint64_t tasksOffset = 0;
    for (const auto& m : tasks->members)
        if (m.name == "tasks") tasksOffset = m.offset;
    model::ListRequest request;
    request.start = initTask->address + tasksOffset;
    request.startIsHead = true;
    request.member = "task_struct.tasks";
    request.structType = "task_struct.pid";
    auto list = s.walkList(request);
    ASSERT_TRUE(list) << list.error().message;
    EXPECT_FALSE(list->problem) << *list->problem;
    std::vector<std::string> ours;
    for (uint64_t e : list->entries)
        ours.push_back(hex(e));
    EXPECT_EQ(ours, f().drgn["task_list"].get<std::vector<std::string>>());
    // The ring holds every thread-group leader but init_task (pid 0), its head.
    std::map<uint64_t, int32_t> leaders;
    for (const auto& t : f().tasks)
        if (t.pid == t.tgid && t.pid != 0) leaders[t.address] = t.pid;
    ASSERT_EQ(list->entries.size(), leaders.size());
    ASSERT_EQ(list->objects.size(), leaders.size());
    for (size_t i = 0; i < list->entries.size(); ++i)
        EXPECT_EQ(list->objects[i].front().value.signedValue, leaders[list->entries[i]]);

    // Without -H the first entry is init_task itself; a wild pointer ends the walk with a reason.
    request.start = initTask->address;
    request.startIsHead = false;
    request.structType.reset();
    auto fromTask = s.walkList(request);
    ASSERT_TRUE(fromTask);
    EXPECT_EQ(fromTask->entries.size(), leaders.size() + 1);
    request.start = 0x10;
    auto wild = s.walkList(request);
    ASSERT_TRUE(wild);
    ASSERT_TRUE(wild->problem);
    EXPECT_TRUE(wild->problem->starts_with("the list at " + hex(0x10 + tasksOffset) + ": "))
        << *wild->problem;
}

INSTANTIATE_TEST_SUITE_P(Kernels, TypeVerbs, ::testing::ValuesIn(kKernels), [](const auto& info) {
    std::string name = info.param;
    for (char& c : name)
        if (!isalnum(static_cast<unsigned char>(c))) c = '_';
    return "k" + name;
});

} // namespace
} // namespace panicscope::testing
