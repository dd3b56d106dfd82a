// The symbols layer on the generated dumps' real 6.1 vmlinux (the values below hold for any
// x86-64 6.1 vmlinux with DWARF, whatever the config).
#include "dump_manifest.h"
#include "symbols/vmlinux.h"

#include <gtest/gtest.h>

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

} // namespace
} // namespace panicscope::symbols
