// The symbols layer on the generated dumps' real 6.1 vmlinux (the values below hold for any
// x86-64 6.1 vmlinux with DWARF, whatever the config).
#include "dump_manifest.h"
#include "symbols/btf_layouts.h"
#include "symbols/dwarf_handle.h"
#include "symbols/dwarf_layouts.h"
#include "symbols/elf_file.h"
#include "symbols/line_program.h"
#include "symbols/vmlinux.h"

#include <gtest/gtest.h>

#include <dwarf.h>

#include <cstring>

namespace panicscope::symbols {
namespace {

TEST(RealVmlinux, Kernel61SymbolsLayoutsAndLines) {
    const std::string path = testing::manifestRow("process", "kdump", "kdump-zlib").vmlinux;
    auto opened = Vmlinux::open(path);
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    const Vmlinux& vmlinux = **opened;

    EXPECT_TRUE(vmlinux.banner().starts_with("Linux version " + vmlinux.release() + " ("));
    EXPECT_TRUE(vmlinux.release().starts_with("6.1.")) << vmlinux.release();
    EXPECT_EQ(vmlinux.buildId().size(), 40u);

    const SymbolTable& symbols = vmlinux.symbols();
    const Symbol* schedule = symbols.byName("__schedule");
    ASSERT_NE(schedule, nullptr);
    EXPECT_TRUE(schedule->isFunction);
    EXPECT_EQ(symbols.containing(schedule->address + schedule->size - 1), schedule);
    const Symbol* entry = symbols.byName("entry_SYSCALL_64");
    const Symbol* label = symbols.byName("entry_SYSCALL_64_after_hwframe");
    ASSERT_NE(entry, nullptr);
    ASSERT_NE(label, nullptr);
    EXPECT_EQ(label->size, 0u);
    EXPECT_EQ(symbols.containing(entry->address + 1), entry);
    EXPECT_EQ(symbols.containing(label->address + 1), label);
    ASSERT_NE(symbols.byName("current_task"), nullptr); // per-CPU: an offset, not an address
    EXPECT_LT(symbols.byName("current_task")->address, 0x100000u);

    // x86-64 6.1 layouts: pt_regs and inactive_task_frame are fixed by the entry code;
    // thread_info (first in task_struct) is flags, syscall_work, status, cpu.
    const Layouts& layouts = vmlinux.layouts();
    using P = std::pair<uint64_t, uint64_t>;
    auto member = [&](const char* s, const char* m) {
        auto r = layouts.member(s, m);
        EXPECT_TRUE(r.has_value()) << s << "." << m << ": " << r.error().message;
        return r ? P(r->offset, r->size) : P(~0ull, ~0ull);
    };
    EXPECT_EQ(layouts.sizeOf("pt_regs").value_or(0), 168u);
    EXPECT_EQ(member("pt_regs", "ip"), P(128, 8));
    EXPECT_EQ(member("pt_regs", "sp"), P(152, 8));
    EXPECT_EQ(layouts.sizeOf("inactive_task_frame").value_or(0), 56u);
    EXPECT_EQ(member("inactive_task_frame", "bp"), P(40, 8));
    EXPECT_EQ(member("inactive_task_frame", "ret_addr"), P(48, 8));
    EXPECT_EQ(member("task_struct", "thread_info"), P(0, 24));
    EXPECT_EQ(member("task_struct", "thread_info.cpu"), P(20, 4));
    EXPECT_EQ(member("task_struct", "__state"), P(24, 4));
    EXPECT_EQ(member("task_struct", "comm").second, 16u);
    EXPECT_EQ(member("task_struct", "thread.sp").second, 8u);
    EXPECT_EQ(member("list_head", "prev"), P(8, 8));
    auto missing = layouts.member("task_struct", "no_such_member");
    ASSERT_FALSE(missing.has_value());
    EXPECT_EQ(missing.error().message, "struct task_struct has no member 'no_such_member'");

    auto line = vmlinux.sourceLocation(schedule->address);
    ASSERT_TRUE(line.has_value());
    EXPECT_EQ(line->file, "kernel/sched/core.c");
    auto entryLine = vmlinux.sourceLocation(label->address);
    ASSERT_TRUE(entryLine.has_value());
    EXPECT_EQ(entryLine->file, "arch/x86/entry/entry_64.S");

    auto bytes = vmlinux.readFileBytes(schedule->address, 4);
    ASSERT_TRUE(bytes.has_value());
    EXPECT_EQ(bytes->size(), 4u);
}

// The names a layout question can use in an aggregate: its named members, and those of its
// anonymous struct and union members.
void memberNames(const BtfTypes& btf, uint32_t aggregate, std::vector<std::string_view>& out) {
    for (const BtfMember& m : btf.members(aggregate)) {
        const uint32_t type = btf.resolved(m.type);
        if (!m.name.empty())
            out.push_back(m.name);
        else if (btf.kind(type) == BtfKind::Struct || btf.kind(type) == BtfKind::Union)
            memberNames(btf, type, out);
    }
}

std::string describe(const Result<Member>& r) {
    return r ? std::to_string(r->offset) + "/" + std::to_string(r->size) : r.error().message;
}

// A kernel's vmlinux (the test parameter) opened through libelf and libdw, for the tests that
// hold our own readers against libdw's.
class RealKernelFiles : public ::testing::TestWithParam<const char*> {
  protected:
    void SetUp() override {
        path_ = testing::manifestRow(GetParam(), "process", "kdump", "kdump-zlib").vmlinux;
        auto elf = ElfFile::open(path_);
        ASSERT_TRUE(elf.has_value()) << elf.error().message;
        elf_.emplace(std::move(*elf));
        dwarf_ = DwarfHandle::open(elf_->elf());
        ASSERT_NE(dwarf_, nullptr) << path_ << " has no DWARF";
    }
    std::string path_;
    std::optional<ElfFile> elf_; // declared before dwarf_, which reads it
    std::unique_ptr<DwarfHandle> dwarf_;
};

// BTF answers every layout question as the DWARF it was made from: for each struct and union BTF
// defines once (it leaves the others to DWARF), its size and each member by name, and one level
// deeper ("thread.sp") through each named member that is a struct or union.
class BtfLayoutsOnARealKernel : public RealKernelFiles {};

TEST_P(BtfLayoutsOnARealKernel, AnswerAsDwarfDoes) {
    const auto section = elf_->sectionBytes(".BTF");
    ASSERT_TRUE(section.has_value()) << path_ << " has no .BTF";
    DwarfLayouts fromDwarf(dwarf_.get(), path_);
    BtfLayouts fromBtf(*section, fromDwarf);
    const BtfTypes* btf = fromBtf.types();
    ASSERT_NE(btf, nullptr);

    size_t aggregates = 0, questions = 0, onlyInBtf = 0;
    for (std::string_view name : btf->aggregateNames()) {
        if (btf->aggregatesNamed(name).size() != 1) continue;
        ++aggregates;
        const auto size = fromBtf.sizeOf(name), dwarfSize = fromDwarf.sizeOf(name);
        EXPECT_TRUE(size.has_value()) << name << ": " << size.error().message;
        // A struct defined inside a function (struct h_misc in hmac_add_misc) is a child of the
        // function's DIE, where the DWARF index, reading only each unit's top level, does not look.
        if (!dwarfSize) {
            ++onlyInBtf;
            continue;
        }
        EXPECT_EQ(size.value_or(~0ull), *dwarfSize) << name;
        const uint32_t id = btf->aggregatesNamed(name).front();
        std::vector<std::string_view> names;
        memberNames(*btf, id, names);
        for (std::string_view m : names) {
            std::vector<std::string> paths = {std::string(m)};
            auto inner = fromBtf.member(name, m);
            // One level deeper through a named struct or union member.
            for (const BtfMember& candidate : btf->members(id)) {
                const uint32_t type = btf->resolved(candidate.type);
                if (candidate.name != m ||
                    (btf->kind(type) != BtfKind::Struct && btf->kind(type) != BtfKind::Union))
                    continue;
                std::vector<std::string_view> deeper;
                memberNames(*btf, type, deeper);
                for (std::string_view d : deeper)
                    paths.push_back(std::string(m) + "." + std::string(d));
            }
            for (const std::string& p : paths) {
                ++questions;
                EXPECT_EQ(describe(fromBtf.member(name, p)), describe(fromDwarf.member(name, p)))
                    << name << "." << p;
            }
        }
    }
    EXPECT_GT(aggregates, 5000u);
    EXPECT_GT(questions, 50000u);
    EXPECT_LT(onlyInBtf, aggregates / 50) << "of " << aggregates;
    // A member no struct has: the same error from both.
    EXPECT_EQ(describe(fromBtf.member("task_struct", "no_such_member")),
              "struct task_struct has no member 'no_such_member'");
}

INSTANTIATE_TEST_SUITE_P(DebianKernels, BtfLayoutsOnARealKernel,
                         ::testing::Values(testing::kKernels[0], testing::kKernels[1]),
                         [](const auto& info) {
                             return std::string(info.param).substr(0, 4) == "6.1." ? "k6_1"
                                                                                   : "k6_12";
                         });

// LineProgram gives every unit's rows and file names as libdw's dwarf_getsrclines does: on each
// kernel, every unit, at each row's address and the bytes on either side of it, and every entry
// of every file table.
class LineProgramOnARealKernel : public RealKernelFiles {};

TEST_P(LineProgramOnARealKernel, ReadsEveryUnitAsLibdw) {
    const LineSections sections = lineSectionsOf(dwarf_getelf(dwarf_->dwarf));
    ASSERT_FALSE(sections.line.empty());

    // Compared without building strings: a sanitizer build records a stack per allocation,
    // and there are millions of lookups.
    auto describe = [](const char* file, int line) {
        return std::string(file ? file : "(no file)") + ":" + std::to_string(line);
    };
    size_t units = 0, rows = 0, mismatches = 0;
    Dwarf_CU* cu = nullptr;
    Dwarf_Die unit;
    while (dwarf_get_units(dwarf_->dwarf, cu, &cu, nullptr, nullptr, &unit, nullptr) == 0) {
        Dwarf_Attribute attr;
        Dwarf_Word offset;
        if (dwarf_formudata(dwarf_attr(&unit, DW_AT_stmt_list, &attr), &offset) != 0) continue;
        ++units;
        const char* name = dwarf_diename(&unit);
        Dwarf_Die cuDie;
        uint8_t addressSize = 0, offsetSize = 0;
        ASSERT_NE(dwarf_diecu(&unit, &cuDie, &addressSize, &offsetSize), nullptr);
        const auto program = LineProgram::decode(
            sections, offset, dwarf_formstring(dwarf_attr(&unit, DW_AT_comp_dir, &attr)),
            addressSize);
        ASSERT_TRUE(program.has_value()) << name << ": refused, libdw reads it";
        Dwarf_Lines* lines = nullptr;
        size_t count = 0;
        ASSERT_EQ(dwarf_getsrclines(&unit, &lines, &count), 0) << name;
        ASSERT_EQ(program->rowCount(), count) << name;
        rows += count;
        Dwarf_Files* files = nullptr;
        size_t fileCount = 0;
        ASSERT_EQ(dwarf_getsrcfiles(&unit, &files, &fileCount), 0) << name;
        ASSERT_EQ(program->fileCount(), fileCount) << name;
        std::vector<std::string> ourFiles;
        for (size_t i = 0; i < fileCount; ++i) {
            ourFiles.push_back(program->fileName(i).value_or("(none)"));
            EXPECT_EQ(ourFiles.back(), dwarf_filesrc(files, i, nullptr, nullptr))
                << name << " file " << i;
        }
        for (size_t i = 0; i < count && mismatches < 20; ++i) {
            Dwarf_Addr address = 0;
            dwarf_lineaddr(dwarf_onesrcline(lines, i), &address);
            for (uint64_t a : {address - 1, address, address + 1}) {
                const LineProgram::Row* row = program->rowAt(a);
                Dwarf_Line* line = dwarf_getsrc_die(&unit, a);
                int number = 0;
                const char* file = line ? dwarf_linesrc(line, nullptr, nullptr) : nullptr;
                if (line) dwarf_lineno(line, &number);
                const char* ourFile =
                    row && row->file < ourFiles.size() ? ourFiles[row->file].c_str() : nullptr;
                if (!row && !line) continue;
                if (row && line && row->line == number &&
                    (ourFile && file ? std::strcmp(ourFile, file) == 0 : ourFile == file))
                    continue;
                ++mismatches;
                ADD_FAILURE() << name << " at " << std::hex << a << ": "
                              << (row ? describe(ourFile, row->line) : "none") << ", libdw "
                              << (line ? describe(file, number) : "none");
            }
        }
    }
    EXPECT_GT(units, 500u);
    EXPECT_GT(rows, 1000000u);
}

INSTANTIATE_TEST_SUITE_P(EveryKernel, LineProgramOnARealKernel,
                         ::testing::ValuesIn(testing::kKernels), [](const auto& info) {
                             const std::string k = info.param;
                             return k == testing::kFramePointerKernel ? std::string("fp6_1")
                                    : k.starts_with("6.1.")           ? std::string("k6_1")
                                                                      : std::string("k6_12");
                         });

} // namespace
} // namespace panicscope::symbols
