// The console parser on hand-written reports of every crash kind, each in every prefix style a
// console, pstore, dmesg or journalctl gives, and reports interleaved with other lines or cut.
#include "triage/console_triage.h"
#include "triage/guilty_frame.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

namespace panicscope::triage {
namespace {

struct KindCase {
    const char* name;
    const char* log;
    CrashKind kind;
    const char* title;
    std::optional<uint64_t> faultAddress = std::nullopt;
};

const KindCase kKinds[] = {
    {"sysrq", R"(sysrq: Trigger a crash
Kernel panic - not syncing: sysrq triggered crash
CPU: 1 PID: 4242 Comm: bash Not tainted 6.1.0-1-amd64 #1 Debian 6.1.4-1
Hardware name: QEMU Standard PC (i440FX + PIIX, 1996)
Call Trace:
 <TASK>
 dump_stack_lvl+0x44/0x5c
 panic+0x118/0x2f4
 sysrq_handle_crash+0x16/0x20
 __handle_sysrq.cold+0x44/0x11c
 write_sysrq_trigger+0x24/0x40
 proc_reg_write+0x56/0xa0
 vfs_write+0xc7/0x3f0
 ksys_write+0x6b/0xf0
 do_syscall_64+0x5d/0x90
 entry_SYSCALL_64_after_hwframe+0x6e/0xd8
RIP: 0033:0x7f1c2d0f1f33
 </TASK>
Kernel Offset: 0x1000000 from 0xffffffff81000000
---[ end Kernel panic - not syncing: sysrq triggered crash ]---
)",
     CrashKind::Sysrq, "sysrq triggered crash in write_sysrq_trigger"},
    {"page_fault", R"(BUG: unable to handle page fault for address: ffffc90000a3c000
#PF: supervisor read access in kernel mode
#PF: error_code(0x0000) - not-present page
PGD 100000067 P4D 100000067 PUD 1001b0067 PMD 0
Oops: 0000 [#1] PREEMPT SMP NOPTI
CPU: 3 PID: 812 Comm: kworker/3:2 Tainted: G        W          6.1.0-1-amd64 #1
Workqueue: events ext4_work [ext4]
RIP: 0010:ext4_read_thing+0x2a/0x90 [ext4]
Code: 48 8b 07 c3
RSP: 0018:ffffc90000a3bd68 EFLAGS: 00010246
Call Trace:
 <TASK>
 ext4_do_work+0x55/0x120 [ext4]
 process_one_work+0x1c7/0x380
 worker_thread+0x4d/0x380
 kthread+0xd7/0x100
 ret_from_fork+0x22/0x30
 </TASK>
Modules linked in: ext4 mbcache jbd2
CR2: ffffc90000a3c000
---[ end trace 0000000000000000 ]---
)",
     CrashKind::PageFault, "BUG: unable to handle kernel paging request in ext4_read_thing",
     0xffffc90000a3c000},
    {"null_deref_memcpy", R"(BUG: kernel NULL pointer dereference, address: 0000000000000010
#PF: supervisor write access in kernel mode
Oops: Oops: 0002 [#1] SMP NOPTI
CPU: 0 UID: 0 PID: 1 Comm: swapper/0 Not tainted 6.12.0 #1
RIP: 0010:memcpy_orig+0x19/0x140
RSP: 0018:ffffc9000001bc60 EFLAGS: 00010246
Call Trace:
 <TASK>
 ? __die+0x23/0x70
 ? page_fault_oops+0x17d/0x4c0
 ? memcpy_orig+0x19/0x140
 mydrv_probe+0x8c/0x200 [mydrv]
 really_probe+0xde/0x380
 __driver_probe_device+0x78/0x150
 </TASK>
)",
     CrashKind::NullDeref, "BUG: unable to handle kernel NULL pointer dereference in mydrv_probe",
     0x10},
    {"null_deref_4x", R"(BUG: unable to handle kernel NULL pointer dereference at 0000000000000008
IP: [<ffffffffa0123456>] old_fn+0x16/0x30 [oldmod]
PGD 0
Oops: 0002 [#1] SMP
CPU: 1 PID: 777 Comm: insmod Tainted: G           O    4.4.0-1 #1
RIP: 0010:[<ffffffffa0123456>]  [<ffffffffa0123456>] old_fn+0x16/0x30 [oldmod]
Call Trace:
 [<ffffffffa0123500>] old_init+0x20/0x40 [oldmod]
 [<ffffffff81002123>] do_one_initcall+0xb3/0x200
Code: 48 8b 07 c3
RIP  [<ffffffffa0123456>] old_fn+0x16/0x30 [oldmod]
---[ end trace 1234567890abcdef ]---
)",
     CrashKind::NullDeref, "BUG: unable to handle kernel NULL pointer dereference in old_fn", 8},
    {"kernel_bug", R"(------------[ cut here ]------------
kernel BUG at mm/slub.c:432!
invalid opcode: 0000 [#1] PREEMPT SMP NOPTI
CPU: 2 PID: 77 Comm: kswapd0 Tainted: G    B             6.1.0 #1
RIP: 0010:__slab_free+0x2b1/0x2c0
Call Trace:
 <TASK>
 kfree+0x2d0/0x310
 shrink_thing+0x41/0x90
 kswapd+0x1f0/0x3a0
 </TASK>
---[ end trace 0000000000000000 ]---
)",
     CrashKind::Bug, "kernel BUG in __slab_free"},
    {"bug_line", R"(BUG: scheduling while atomic: kworker/0:1/55/0x00000002
CPU: 0 PID: 55 Comm: kworker/0:1 Not tainted 6.1.0 #1
Call Trace:
 <TASK>
 dump_stack_lvl+0x44/0x5c
 __schedule_bug.cold+0x47/0x53
 __schedule+0x6bd/0xa00
 schedule+0x5a/0xd0
 msleep+0x2b/0x40
 sleepy_irq_work+0x19/0x30 [sleepy]
 </TASK>
)",
     CrashKind::Bug, "BUG: scheduling while atomic in __schedule_bug"},
    {"warning", R"(------------[ cut here ]------------
WARNING: CPU: 1 PID: 300 at net/core/dev.c:1234 dev_thing+0x55/0x60
Modules linked in: e1000
CPU: 1 PID: 300 Comm: ip Not tainted 6.1.0 #1
RIP: 0010:dev_thing+0x55/0x60
Call Trace:
 <TASK>
 dev_change_flags+0x22/0x60
 do_setlink+0x29a/0xfe0
 </TASK>
---[ end trace 0000000000000000 ]---
)",
     CrashKind::Warning, "WARNING in dev_thing"},
    {"gpf",
     R"(Oops: general protection fault, probably for non-canonical address 0xdead000000000122: 0000 [#1] PREEMPT SMP NOPTI
CPU: 0 UID: 0 PID: 55 Comm: kworker/0:1 Not tainted 6.12.0 #1
RIP: 0010:__list_del_entry_valid_or_report+0x2d/0x90
Call Trace:
 <TASK>
 mydrv_remove+0x3a/0x80 [mydrv]
 device_release_driver_internal+0x19e/0x200
 </TASK>
)",
     CrashKind::Gpf, "general protection fault in mydrv_remove"},
    {"soft_lockup", R"(watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [spin:999]
Modules linked in: spinmod(OE)
CPU: 1 PID: 999 Comm: spin Tainted: G           OE      6.1.0 #1
RIP: 0010:native_queued_spin_lock_slowpath+0x5d/0x1d0
Call Trace:
 <TASK>
 _raw_spin_lock+0x29/0x30
 spin_forever+0x12/0x30 [spinmod]
 spin_write+0x33/0x50 [spinmod]
 vfs_write+0xc7/0x3f0
 </TASK>
Kernel panic - not syncing: softlockup: hung tasks
CPU: 1 PID: 999 Comm: spin Tainted: G           OEL     6.1.0 #1
Call Trace:
 <IRQ>
 dump_stack_lvl+0x44/0x5c
 panic+0x118/0x2f4
 watchdog_timer_fn.cold+0xc/0x16
 </IRQ>
 <TASK>
RIP: 0010:native_queued_spin_lock_slowpath+0x5d/0x1d0
 </TASK>
)",
     CrashKind::SoftLockup, "BUG: soft lockup in spin_forever"},
    {"hard_lockup", R"(NMI watchdog: Watchdog detected hard LOCKUP on cpu 2
Modules linked in:
CPU: 2 PID: 0 Comm: swapper/2 Not tainted 6.1.0 #1
RIP: 0010:stuck_loop+0x10/0x20
Call Trace:
 <IRQ>
 bad_timer_fn+0x20/0x40
 call_timer_fn+0x27/0x130
 __run_timers+0x222/0x2c0
 run_timer_softirq+0x19/0x30
 handle_softirqs+0xd7/0x280
 __irq_exit_rcu+0xac/0xe0
 sysvec_apic_timer_interrupt+0x6e/0x90
 </IRQ>
 <TASK>
 asm_sysvec_apic_timer_interrupt+0x16/0x20
RIP: 0010:default_idle+0xb/0x10
 default_idle_call+0x2c/0xe0
 </TASK>
Kernel panic - not syncing: Hard LOCKUP
)",
     CrashKind::HardLockup, "BUG: hard lockup in stuck_loop"},
    {"hung_task", R"(INFO: task jbd2/sda1-8:211 blocked for more than 120 seconds.
      Not tainted 6.1.0 #1
"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
task:jbd2/sda1-8     state:D stack:0     pid:211   ppid:2      flags:0x00004000
Call Trace:
 <TASK>
 __schedule+0x34d/0xa00
 schedule+0x5a/0xd0
 io_schedule+0x42/0x70
 bit_wait_io+0xd/0x60
 __wait_on_bit+0x4b/0x140
 out_of_line_wait_on_bit+0x91/0xb0
 jbd2_journal_commit_transaction+0x1592/0x1900 [jbd2]
 kjournald2+0xab/0x270 [jbd2]
 </TASK>
INFO: task sync:1200 blocked for more than 120 seconds.
      Not tainted 6.1.0 #1
task:sync            state:D stack:0     pid:1200  ppid:1100   flags:0x00000000
Call Trace:
 <TASK>
 __schedule+0x34d/0xa00
 schedule+0x5a/0xd0
 wb_wait_for_completion+0x56/0x80
 sync_inodes_sb+0xb8/0x2a0
 </TASK>
Kernel panic - not syncing: hung_task: blocked tasks
CPU: 0 PID: 35 Comm: khungtaskd Not tainted 6.1.0 #1
Call Trace:
 <TASK>
 dump_stack_lvl+0x44/0x5c
 panic+0x118/0x2f4
 watchdog.cold+0xc/0xbb
 kthread+0xd7/0x100
 ret_from_fork+0x22/0x30
 </TASK>
)",
     CrashKind::HungTask, "INFO: task hung in jbd2_journal_commit_transaction"},
    {"rcu_stall", R"(rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:
rcu: 	1-...!: (1 GPs behind) idle=c3c/1/0x4000000000000000 softirq=9012/9013 fqs=0
	(detected by 0, t=5252 jiffies, g=20941, q=11 ncpus=2)
Sending NMI from CPU 0 to CPUs 1:
NMI backtrace for cpu 1
CPU: 1 PID: 4321 Comm: looper Tainted: G           O       6.1.0 #1
RIP: 0010:busy_loop+0x14/0x30 [loopmod]
Call Trace:
 <TASK>
 loop_write+0x40/0x60 [loopmod]
 vfs_write+0xc7/0x3f0
 </TASK>
)",
     CrashKind::RcuStall, "INFO: rcu detected stall in busy_loop"},
    {"oom",
     R"(stress invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0
CPU: 0 PID: 2345 Comm: stress Not tainted 6.1.0 #1
Call Trace:
 <TASK>
 dump_stack_lvl+0x44/0x5c
 dump_header+0x4a/0x211
 oom_kill_process.cold+0xb/0x10
 out_of_memory+0x1fd/0x4c0
 __alloc_pages_slowpath.constprop.0+0xc8c/0xe30
 __alloc_pages+0x2d6/0x320
 vma_alloc_folio+0x2e0/0x380
 do_anonymous_page+0x6e/0x3b0
 handle_mm_fault+0xdb/0x2d0
 </TASK>
Mem-Info:
active_anon:12345 inactive_anon:6789 isolated_anon:0
Out of memory: Killed process 2345 (stress) total-vm:1050000kB, anon-rss:900000kB
Kernel panic - not syncing: Out of memory: compulsory panic_on_oom is enabled
)",
     CrashKind::Oom, "Out of memory in do_anonymous_page"},
    {"nmi", R"(Uhhuh. NMI received for unknown reason 21 on CPU 0.
Kernel panic - not syncing: NMI: Not continuing
CPU: 0 PID: 95 Comm: cat Not tainted 6.1.0 #1
Call Trace:
 <NMI>
 dump_stack_lvl+0x44/0x5c
 panic+0x118/0x2f4
 nmi_panic.cold+0xc/0xc
 unknown_nmi_error.cold+0x3b/0x49
 exc_nmi+0x11e/0x150
 end_repeat_nmi+0x16/0x67
RIP: 0010:clear_user_rep_good+0xe/0x30
 </NMI>
 <TASK>
 read_zero+0x5d/0x110
 </TASK>
)",
     CrashKind::Nmi, "NMI received for unknown reason in unknown_nmi_error"},
    {"double_fault", R"(PANIC: double fault, error_code: 0x0
double fault: 0000 [#1] SMP NOPTI
CPU: 0 PID: 1 Comm: init Not tainted 6.1.0 #1
RIP: 0010:broken_fn+0x4/0x10
Call Trace:
 <#DF>
 </#DF>
 <TASK>
 caller_fn+0x20/0x40
 </TASK>
Kernel panic - not syncing: Machine halted.
)",
     CrashKind::DoubleFault, "double fault in broken_fn"},
    {"stack_overflow",
     R"(BUG: TASK stack guard page was hit at 00000000a5b4f2c1 (stack is 00000000d3c2b1a0..00000000e4f5a6b7)
Oops: stack guard page: 0000 [#1] PREEMPT SMP NOPTI
CPU: 0 UID: 0 PID: 163 Comm: crasher Tainted: G           OE      6.12.0 #1
RIP: 0010:recurse+0x2c/0x80 [mod]
CR2: ffffce244043ff18 CR3: 000000001ff7a000 CR4: 00000000000006f0
Call Trace:
 <TASK>
 recurse+0x49/0x80 [mod]
 recurse+0x49/0x80 [mod]
 </TASK>
)",
     CrashKind::StackOverflow, "BUG: stack guard page was hit in recurse", 0xffffce244043ff18},
    {"kasan", R"(==================================================================
BUG: KASAN: slab-use-after-free in uaf_read+0x4a/0x60 [kasanmod]
Read of size 8 at addr ffff888003d4a208 by task cat/150

CPU: 1 PID: 150 Comm: cat Tainted: G    B      OE      6.1.0 #1
Call Trace:
 <TASK>
 dump_stack_lvl+0x5b/0x77
 print_report+0x175/0x47e
 kasan_report+0xb1/0x140
 uaf_read+0x4a/0x60 [kasanmod]
 kasan_write+0x3e/0x60 [kasanmod]
 </TASK>

Allocated by task 150:
 kasan_save_stack+0x22/0x50
==================================================================
)",
     CrashKind::Kasan, "KASAN: slab-use-after-free Read in uaf_read"},
    {"ubsan", R"(================================================================================
UBSAN: shift-out-of-bounds in drivers/foo/bar.c:42:13
shift exponent 64 is too large for 64-bit type 'long unsigned int'
CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.1.0 #1
Call Trace:
 <TASK>
 dump_stack_lvl+0x44/0x5c
 ubsan_epilogue+0x5/0x40
 __ubsan_handle_shift_out_of_bounds.cold+0x61/0xef
 foo_init_bits+0x88/0xa0
 foo_probe+0x1c/0x60
 </TASK>
================================================================================
)",
     CrashKind::Ubsan, "UBSAN: shift-out-of-bounds in foo_init_bits"},
    {"panic", R"(Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)
CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.1.0 #1
Call Trace:
 <TASK>
 dump_stack_lvl+0x44/0x5c
 panic+0x118/0x2f4
 mount_block_root+0x1d9/0x1f0
 prepare_namespace+0x136/0x165
 </TASK>
---[ end Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0) ]---
)",
     CrashKind::Panic,
     "kernel panic: VFS: Unable to mount root fs on unknown-block(#,#) in mount_block_root"},
};

// How the same report reaches us: the prefix each line gets.
struct Decoration {
    const char* name;
    std::string (*prefix)(size_t lineNo);
};

const Decoration kDecorations[] = {
    {"plain", [](size_t) { return std::string(); }},
    {"timestamps", [](size_t n) { return "[  " + std::to_string(100 + n) + ".123456] "; }},
    {"level_timestamps", [](size_t n) { return "<4>[  " + std::to_string(100 + n) + ".5] "; }},
    {"level_only", [](size_t) { return std::string("<4>"); }},
    {"caller_id", [](size_t n) { return "[  " + std::to_string(n) + ".000001][    T1] "; }},
    {"journalctl", [](size_t) { return std::string("Dec 02 05:54:26 host7 kernel: "); }},
    {"journalctl_iso",
     [](size_t) { return std::string("2026-12-02T05:54:26.000001+00:00 host7 kernel: "); }},
    {"dmesg_x", [](size_t) { return std::string("kern  :warn  : [   12.345678] "); }},
    {"kmsg", [](size_t n) { return "4," + std::to_string(n) + ",12345678,-;"; }},
};

std::vector<std::string> linesOf(std::string_view text) {
    std::vector<std::string> lines;
    std::istringstream in{std::string(text)};
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

std::string decorate(const KindCase& c, const Decoration& d) {
    std::string out;
    size_t n = 0;
    for (const auto& line : linesOf(c.log))
        out += d.prefix(n++) + line + "\n";
    return out;
}

class EveryKindEveryPrefix : public ::testing::TestWithParam<std::tuple<KindCase, Decoration>> {};

TEST_P(EveryKindEveryPrefix, KindTitleAndNothingCorrupted) {
    const auto& [c, d] = GetParam();
    auto report = triageConsoleText(decorate(c, d), "test.log");
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(crashKindKey(report->kind), crashKindKey(c.kind));
    EXPECT_EQ(report->title, c.title);
    EXPECT_FALSE(report->corrupted) << (report->problems.empty() ? "" : report->problems[0]);
    if (c.faultAddress) {
        EXPECT_EQ(report->faultAddress, c.faultAddress);
    }
    // The signature is the kind, the title and frames from the guilty one on.
    ASSERT_FALSE(report->signature.frames.empty());
    EXPECT_EQ(report->signature.frames.front(), *report->guiltyFunction);
    EXPECT_EQ(report->signature.hash.size(), 16u);
}

INSTANTIATE_TEST_SUITE_P(Console, EveryKindEveryPrefix,
                         ::testing::Combine(::testing::ValuesIn(kKinds),
                                            ::testing::ValuesIn(kDecorations)),
                         [](const auto& info) {
                             return std::string(std::get<0>(info.param).name) + "_" +
                                    std::get<1>(info.param).name;
                         });

const KindCase& kindCase(std::string_view name) {
    for (const auto& c : kKinds)
        if (name == c.name) return c;
    throw std::runtime_error("no case " + std::string(name));
}

TEST(ConsoleTriage, EveryKindIsCovered) {
    for (int k = 0; k <= static_cast<int>(CrashKind::Oops); ++k) {
        const auto kind = static_cast<CrashKind>(k);
        if (kind == CrashKind::Oops) continue; // the cut-header case below
        bool found = false;
        for (const auto& c : kKinds)
            found = found || c.kind == kind;
        EXPECT_TRUE(found) << crashKindKey(kind);
    }
}

TEST(ConsoleTriage, FactsOfTheReport) {
    auto r = triageConsoleText(kindCase("page_fault").log, "x");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->cpu, 3u);
    ASSERT_TRUE(r->task);
    EXPECT_EQ(r->task->pid, 812);
    EXPECT_EQ(r->task->comm, "kworker/3:2");
    EXPECT_EQ(r->taint, "W");
    EXPECT_EQ(r->guiltyModule, "ext4");
    EXPECT_EQ(crashContextKey(r->context), "process");
    ASSERT_EQ(r->frames.size(), 6u); // RIP frame, then the trace
    EXPECT_EQ(r->frames[1].function, "ext4_do_work");

    auto lockup = triageConsoleText(kindCase("soft_lockup").log, "x");
    ASSERT_TRUE(lockup);
    EXPECT_EQ(lockup->panicMessage, "softlockup: hung tasks");
    EXPECT_EQ(lockup->taint, "OE"); // the report's, not the panic's "OEL"
    // The frames of the report, not of the panic that followed it.
    EXPECT_EQ(lockup->frames.front().function, "spin_forever");

    auto hard = triageConsoleText(kindCase("hard_lockup").log, "x");
    ASSERT_TRUE(hard);
    EXPECT_EQ(crashContextKey(hard->context), "softirq");

    auto hung = triageConsoleText(kindCase("hung_task").log, "x");
    ASSERT_TRUE(hung);
    ASSERT_EQ(hung->blockedTasks.size(), 2u);
    EXPECT_EQ(hung->blockedTasks[1].pid, 1200);
    EXPECT_EQ(hung->blockedTasks[1].comm, "sync");
    EXPECT_EQ(hung->task->comm, "khungtaskd"); // the task that panicked

    auto nmi = triageConsoleText(kindCase("nmi").log, "x");
    ASSERT_TRUE(nmi);
    EXPECT_EQ(crashContextKey(nmi->context), "nmi");
    // The interrupted code is not part of an NMI's signature: it is wherever the CPU was.
    EXPECT_EQ(nmi->signature.frames, (std::vector<std::string>{"unknown_nmi_error", "exc_nmi"}));
}

TEST(ConsoleTriage, InterleavedLinesAreFlagged) {
    std::string log = kindCase("page_fault").log;
    const size_t at = log.find(" process_one_work");
    log.insert(at, "systemd[1]: Started Session 4 of user root.\n");
    auto r = triageConsoleText(log, "x");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->title, kindCase("page_fault").title);
    EXPECT_TRUE(r->corrupted);
    EXPECT_EQ(r->problems, std::vector<std::string>{"lines of other origin inside its Call Trace"});
    // The frames around the foreign line are all there.
    EXPECT_EQ(r->frames.size(), 6u);
}

TEST(ConsoleTriage, ReportCutInHalfIsTitledAndFlagged) {
    for (const auto& c : kKinds) {
        const auto lines = linesOf(c.log);
        std::string half;
        for (size_t i = 0; i < lines.size() / 2; ++i)
            half += lines[i] + "\n";
        auto r = triageConsoleText(half, "x");
        if (!r) continue; // cut before the header's kind is known: nothing to title
        SCOPED_TRACE(c.name);
        EXPECT_EQ(crashKindKey(r->kind), crashKindKey(c.kind));
        // Cut before its own trace ended: corrupted. (A soft lockup cut in the panic after its
        // complete report is not.)
        if (half.find("</TASK>") == std::string::npos) {
            EXPECT_TRUE(r->corrupted) << r->title;
        }
        EXPECT_TRUE(std::string(c.title).starts_with(r->title.substr(0, r->title.find(" in "))));
    }
    // Cut inside the Call Trace: the title from the frames so far.
    std::string log = kindCase("sysrq").log;
    log.resize(log.find(" proc_reg_write"));
    auto r = triageConsoleText(log, "x");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->title, "sysrq triggered crash in write_sysrq_trigger");
    EXPECT_TRUE(r->corrupted);
    EXPECT_EQ(r->problems, std::vector<std::string>{"Call Trace cut short by the end of the text"});
}

TEST(ConsoleTriage, OopsWithoutItsHeader) {
    auto r = triageConsoleText(R"(Oops: 0000 [#1] SMP NOPTI
CPU: 0 PID: 12 Comm: kworker/0:1 Not tainted 6.1.0 #1
RIP: 0010:frob+0x1/0x10
Call Trace:
 <TASK>
 process_one_work+0x1c7/0x380
 </TASK>
)",
                               "x");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, CrashKind::Oops);
    EXPECT_EQ(r->title, "Oops in frob");
    EXPECT_TRUE(r->corrupted);
}

TEST(ConsoleTriage, WarningBeforeTheFatalReportIsListed) {
    const std::string log = std::string(kindCase("warning").log) + "systemd[1]: unrelated\n" +
                            kindCase("page_fault").log;
    auto r = triageConsoleText(log, "x");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, CrashKind::PageFault);
    ASSERT_EQ(r->earlier.size(), 1u);
    EXPECT_EQ(r->earlier[0].title, "WARNING in dev_thing");
    EXPECT_EQ(r->earlier[0].signature.size(), 16u);
}

TEST(ConsoleTriage, TheCrashedBootOfAKdumpConsole) {
    // The crash, then the capture kernel's boot with a harmless warning of its own.
    const std::string log = std::string("Linux version 6.1.0 (first boot)\n") +
                            kindCase("page_fault").log + "Linux version 6.1.0 (capture kernel)\n" +
                            kindCase("warning").log;
    auto r = triageConsoleText(log, "x");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, CrashKind::PageFault);
    EXPECT_TRUE(r->earlier.empty());
}

TEST(ConsoleTriage, NoReportIsAnError) {
    auto r = triageConsoleText("Linux version 6.1.0\nsystemd[1]: Started.\n", "boot.log");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "no kernel crash report in boot.log");
}

TEST(ConsoleTriage, BoundedOnAFloodOfReports) {
    std::string log;
    for (int i = 0; i < 5000; ++i)
        log += kindCase("warning").log;
    log += kindCase("page_fault").log;
    auto r = triageConsoleText(log, "x");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, CrashKind::PageFault);
    EXPECT_EQ(r->earlier.size(), kMaxEarlierReports);
}

TEST(ConsoleTriage, GarbageNeverCrashes) {
    // Bytes of every value, half lines of reports, markers without reports.
    std::string junk;
    uint32_t seed = 12345;
    for (int i = 0; i < 200000; ++i) {
        seed = seed * 1103515245u + 12345u;
        junk += static_cast<char>(seed >> 16);
    }
    for (const auto& c : kKinds)
        junk += std::string(c.log).substr(0, 40) + "\n</TASK>\n<IRQ>\n";
    junk += "RIP: 0010:\nRIP: \nCPU: \nCPU:  PID: \nINFO: task  blocked for more than \n";
    junk += "watchdog: BUG: soft lockup - ]][[:\n[\n<\n<4\n[ 1.0\n";
    auto r = triageConsoleText(junk, "junk");
    if (r) {
        EXPECT_FALSE(r->title.empty());
    }
}

TEST(Signature, StableAcrossBootsAndDistinctAcrossBugs) {
    // Same bug, other addresses, timestamps, pid, CPU and build offsets: same signature.
    std::string other = kindCase("page_fault").log;
    for (auto [from, to] : {std::pair<std::string, std::string>{"CPU: 3 PID: 812", "CPU: 0 PID: 9"},
                            {"0x2a/0x90", "0x2e/0x94"},
                            {"ffffc90000a3c000", "ffffc90000b00000"}})
        for (size_t at; (at = other.find(from)) != std::string::npos;)
            other.replace(at, from.size(), to);
    auto a = triageConsoleText(kindCase("page_fault").log, "a");
    auto b = triageConsoleText(other, "b");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->signature.hash, b->signature.hash);
    // Every hand-written bug its own signature.
    std::set<std::string> hashes;
    for (const auto& c : kKinds) {
        auto r = triageConsoleText(c.log, c.name);
        ASSERT_TRUE(r);
        EXPECT_TRUE(hashes.insert(r->signature.hash).second) << c.name;
    }
    // The hash is 64-bit FNV-1a: its published test vectors.
    EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ull);
    EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cull);
    EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ull);
}

TEST(GuiltyFrame, CloneSuffixesAndTheSkipTable) {
    EXPECT_EQ(normalizeFunctionName("__handle_sysrq.cold"), "__handle_sysrq");
    EXPECT_EQ(normalizeFunctionName("input_pass_values.part.0"), "input_pass_values");
    EXPECT_TRUE(isSkippedFrame("schedule_timeout", CrashKind::HungTask));
    EXPECT_FALSE(isSkippedFrame("schedule_timeout", CrashKind::NullDeref));
    EXPECT_TRUE(isSkippedFrame("memcpy_orig", CrashKind::NullDeref));
    EXPECT_TRUE(isSkippedFrame("", CrashKind::NullDeref)); // a jump to address 0
    EXPECT_TRUE(isSkippedFrame("asm_exc_page_fault", CrashKind::PageFault));
}

} // namespace
} // namespace panicscope::triage
