// Lock holders as the kernel states them, from hand-written logs in the exact formats of
// kernel/hung_task.c (6.14+: "INFO: task X:P is blocked on a mutex likely owned by task Y:Q.",
// the semaphore and rw-semaphore forms, "but the owner is not found") and of lockdep's
// debug_show_all_locks() ("Showing all locks held in the system:", "N locks held by COMM/PID:",
// " #N: ADDR (CLASS){....}-{a:b}, at: FUNC+0x../0x.."), each with several console prefixes.
#include "triage/console_triage.h"

#include <gtest/gtest.h>

#include <deque>
#include <sstream>

namespace panicscope::triage {
namespace {

struct Expected {
    const char* source;
    const char* lockType;
    int32_t waiterPid;
    const char* waiterComm;
    std::optional<int32_t> holderPid; // nullopt: no holder found
    const char* holderComm;
    std::optional<char> holderState;
    std::vector<std::string> holderFrames;
    const char* waiterRole = "";
    const char* holderRole = "";
    std::optional<uint64_t> lockAddress = std::nullopt;
    const char* lockName = nullptr;
};

struct LockCase {
    const char* name;
    const char* log;
    const char* title;
    std::vector<Expected> holders;
};

// The hung task's own report, in front of each case's lines.
constexpr const char* kHungCat = R"(INFO: task cat:115 blocked for more than 122 seconds.
      Not tainted 6.15.0-rc3+ #24
"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
task:cat             state:D stack:0     pid:115   tgid:115   ppid:106    task_flags:0x400100 flags:0x00004002
Call Trace:
 <TASK>
 __schedule+0x731/0x960
 ? schedule_preempt_disabled+0x54/0xa0
 schedule+0xb7/0x140
 schedule_preempt_disabled+0x54/0xa0
 __mutex_lock+0x51b/0xa60
 read_dummy+0x23/0x70
 full_proxy_read+0x6a/0xc0
 vfs_read+0xc2/0x340
 ksys_read+0x76/0xe0
 do_syscall_64+0xe3/0x1c0
 entry_SYSCALL_64_after_hwframe+0x77/0x7f
RIP: 0033:0x4840cd
RSP: 002b:00007ffe99071828 EFLAGS: 00000246 ORIG_RAX: 0000000000000000
 </TASK>
)";

constexpr const char* kPanic = R"(Kernel panic - not syncing: hung_task: blocked tasks
CPU: 1 UID: 0 PID: 30 Comm: khungtaskd Not tainted 6.15.0-rc3+ #24
Call Trace:
 <TASK>
 dump_stack_lvl+0x44/0x5c
 panic+0x118/0x2f4
 watchdog+0x2c0/0x5e0
 kthread+0xd7/0x100
 </TASK>
)";

// A holder that sleeps (sched_show_task prints it after the blocker line).
constexpr const char* kSleepingHolder =
    R"(task:cat             state:S stack:13432 pid:114   tgid:114   ppid:106    task_flags:0x400100 flags:0x00000002
Call Trace:
 <TASK>
 __schedule+0x731/0x960
 ? schedule_timeout+0xa8/0x120
 schedule+0xb7/0x140
 schedule_timeout+0xa8/0x120
 msleep_interruptible+0x3e/0x60
 read_dummy+0x2d/0x70
 full_proxy_read+0x6a/0xc0
 </TASK>
)";

const std::vector<std::string> kSleepingFrames = {"__schedule",       "schedule",
                                                  "schedule_timeout", "msleep_interruptible",
                                                  "read_dummy",       "full_proxy_read"};

const std::vector<std::string> kHungCatFrames = {"__schedule",
                                                 "schedule",
                                                 "schedule_preempt_disabled",
                                                 "__mutex_lock",
                                                 "read_dummy",
                                                 "full_proxy_read",
                                                 "vfs_read",
                                                 "ksys_read",
                                                 "do_syscall_64",
                                                 "entry_SYSCALL_64_after_hwframe"};

const std::string kTitle = "INFO: task hung in read_dummy";

std::vector<LockCase> cases() {
    const std::string hung = kHungCat;
    static std::deque<std::string> logs; // the texts the cases point at (never moved)
    auto keep = [](std::string s) {
        logs.push_back(std::move(s));
        return logs.back().c_str();
    };
    return {
        {"mutex",
         keep(hung + "INFO: task cat:115 is blocked on a mutex likely owned by task cat:114.\n" +
              kSleepingHolder + kPanic),
         kTitle.c_str(),
         {{"hung_task", "mutex", 115, "cat", 114, "cat", 'S', kSleepingFrames}}},
        {"semaphore",
         keep(hung +
              "INFO: task cat:115 blocked on a semaphore likely last held by task cat:114\n" +
              kSleepingHolder + kPanic),
         kTitle.c_str(),
         {{"hung_task", "semaphore", 115, "cat", 114, "cat", 'S', kSleepingFrames}}},
        {"rw_semaphore",
         keep(hung +
              "INFO: task cat:115 <reader> blocked on an rw-semaphore likely owned by task "
              "VLLM::EngineCor:46249 <writer>\n" +
              "task:VLLM::EngineCor state:S stack:0     pid:46249 tgid:46200 ppid:1      "
              "task_flags:0x400040 flags:0x00004002\nCall Trace:\n <TASK>\n "
              "__schedule+0x731/0x960\n schedule+0xb7/0x140\n engine_step+0x40/0x90 [nvidia]\n "
              "</TASK>\n" +
              kPanic),
         kTitle.c_str(),
         {{"hung_task",
           "rw-semaphore",
           115,
           "cat",
           46249,
           "VLLM::EngineCor",
           'S',
           {"__schedule", "schedule", "engine_step"},
           "reader",
           "writer"}}},
        {"owner_not_found",
         keep(hung + "INFO: task cat:115 is blocked on a mutex, but the owner is not found.\n" +
              kPanic),
         kTitle.c_str(),
         {{"hung_task", "mutex", 115, "cat", std::nullopt, "", std::nullopt, {}}}},
        // The holder is hung too: its stack is not repeated after the line; it is its report's.
        {"holder_hung_too",
         keep(hung + "INFO: task cat:115 is blocked on a mutex likely owned by task sync:1200.\n" +
              "INFO: task sync:1200 blocked for more than 122 seconds.\n"
              "      Not tainted 6.15.0-rc3+ #24\n"
              "task:sync            state:D stack:0     pid:1200  ppid:1100   flags:0x00000000\n"
              "Call Trace:\n <TASK>\n __schedule+0x34d/0xa00\n schedule+0x5a/0xd0\n "
              "wb_wait_for_completion+0x56/0x80\n sync_inodes_sb+0xb8/0x2a0\n </TASK>\n" +
              kPanic),
         kTitle.c_str(),
         {{"hung_task",
           "mutex",
           115,
           "cat",
           1200,
           "sync",
           'D',
           {"__schedule", "schedule", "wb_wait_for_completion", "sync_inodes_sb"}}}},
        // lockdep: the waiter's last lock is the one it sleeps on; the task that lists the same
        // lock holds it (another sleeper on it lists it last too and is not the holder).
        {"lockdep",
         keep(hung + R"(INFO: task sync:1200 blocked for more than 122 seconds.
      Not tainted 6.15.0-rc3+ #24
task:sync            state:D stack:0     pid:1200  ppid:1100   flags:0x00000000
Call Trace:
 <TASK>
 __schedule+0x34d/0xa00
 schedule+0x5a/0xd0
 schedule_preempt_disabled+0x11/0x20
 __mutex_lock+0x39d/0x720
 read_dummy+0x23/0x70
 </TASK>

Showing all locks held in the system:
1 lock held by khungtaskd/30:
 #0: ffffffff8b6bb960 (rcu_read_lock){....}-{1:2}, at: debug_show_all_locks+0x5b/0x300
2 locks held by cat/114:
 #0: ffff888100f309a8 (&f->f_pos_lock){+.+.}-{3:3}, at: __fdget_pos+0x65/0xb0
 #1: ffffffffc03fd040 (dummy_mutex){+.+.}-{3:3}, at: read_dummy+0x23/0x70 [hung_task_mutex]
1 lock held by cat/115:
 #0: ffffffffc03fd040 (dummy_mutex){+.+.}-{3:3}, at: read_dummy+0x23/0x70 [hung_task_mutex]
1 lock held by sync/1200:
 #0: ffffffffc03fd040 (dummy_mutex){+.+.}-{3:3}, at: read_dummy+0x23/0x70 [hung_task_mutex]
no locks held by bash/90.

=============================================

)" + kPanic),
         kTitle.c_str(),
         {{"lockdep",
           "lock",
           115,
           "cat",
           114,
           "cat",
           std::nullopt,
           {},
           "",
           "",
           0xffffffffc03fd040,
           "dummy_mutex"},
          {"lockdep",
           "lock",
           1200,
           "sync",
           114,
           "cat",
           std::nullopt,
           {},
           "",
           "",
           0xffffffffc03fd040,
           "dummy_mutex"}}},
    };
}

// The prefixes a console, dmesg or a log with caller ids gives each line.
const std::vector<std::pair<const char*, std::string (*)(size_t)>> kPrefixes = {
    {"plain", [](size_t) { return std::string(); }},
    {"timestamps", [](size_t n) { return "[  " + std::to_string(100 + n) + ".123456] "; }},
    {"level_caller_id",
     [](size_t n) { return "<6>[  " + std::to_string(125 + n) + ".340568][  T140] "; }},
};

std::string decorated(const char* log, std::string (*prefix)(size_t)) {
    std::istringstream in{std::string(log)};
    std::string out;
    size_t n = 0;
    for (std::string line; std::getline(in, line);)
        out += prefix(n++) + line + "\n";
    return out;
}

std::vector<std::string> names(const std::vector<TraceFrame>& frames) {
    std::vector<std::string> out;
    for (const auto& f : frames)
        out.push_back(f.function);
    return out;
}

TEST(LockHolders, TheKernelsStatementsInEveryPrefixStyle) {
    for (const auto& c : cases())
        for (const auto& [prefixName, prefix] : kPrefixes) {
            SCOPED_TRACE(std::string(c.name) + "/" + prefixName);
            auto r = triageConsoleText(decorated(c.log, prefix), "test.log");
            ASSERT_TRUE(r) << r.error().message;
            EXPECT_EQ(r->title, c.title); // the lock lines change nothing of the report's own
            EXPECT_FALSE(r->corrupted) << (r->problems.empty() ? "" : r->problems[0]);
            EXPECT_EQ(r->frames.front().function, "read_dummy");
            ASSERT_EQ(r->lockHolders.size(), c.holders.size());
            for (size_t i = 0; i < c.holders.size(); ++i) {
                const Expected& e = c.holders[i];
                const LockHolder& h = r->lockHolders[i];
                EXPECT_EQ(h.source, e.source);
                EXPECT_EQ(h.lockType, e.lockType);
                EXPECT_EQ(h.waiter.pid, e.waiterPid);
                EXPECT_EQ(h.waiter.comm, e.waiterComm);
                EXPECT_EQ(h.waiterRole, e.waiterRole);
                EXPECT_EQ(h.holderRole, e.holderRole);
                ASSERT_EQ(h.holder.has_value(), e.holderPid.has_value());
                if (e.holderPid) {
                    EXPECT_EQ(h.holder->pid, *e.holderPid);
                    EXPECT_EQ(h.holder->comm, e.holderComm);
                }
                EXPECT_EQ(h.holderState, e.holderState);
                EXPECT_EQ(names(h.holderFrames), e.holderFrames);
                EXPECT_EQ(h.lockAddress, e.lockAddress);
                EXPECT_EQ(h.lockName,
                          e.lockName ? std::optional<std::string>(e.lockName) : std::nullopt);
            }
        }
}

TEST(LockHolders, LockdepsListAsPrinted) {
    const auto all = cases();
    const LockCase& c = all.back();
    ASSERT_STREQ(c.name, "lockdep");
    auto r = triageConsoleText(c.log, "test.log");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->heldLocks.size(), 5u);
    EXPECT_EQ(r->heldLocks[0].task.comm, "khungtaskd");
    EXPECT_EQ(r->heldLocks[0].task.pid, 30);
    EXPECT_EQ(r->heldLocks[0].count, 1u);
    ASSERT_EQ(r->heldLocks[1].locks.size(), 2u);
    EXPECT_EQ(r->heldLocks[1].count, 2u);
    EXPECT_EQ(r->heldLocks[1].locks[0].address, 0xffff888100f309a8u);
    EXPECT_EQ(r->heldLocks[1].locks[0].name, "&f->f_pos_lock");
    EXPECT_EQ(r->heldLocks[1].locks[0].acquiredAt, "__fdget_pos");
    EXPECT_EQ(r->heldLocks[4].task.comm, "bash");
    EXPECT_EQ(r->heldLocks[4].count, 0u);
    EXPECT_TRUE(r->heldLocks[4].locks.empty());
    // The blocked tasks are still the hung-task report's, and its panic its own.
    ASSERT_EQ(r->blockedTasks.size(), 2u);
    EXPECT_EQ(r->blockedTasks[0].frames, kHungCatFrames);
    EXPECT_EQ(r->panicMessage, "hung_task: blocked tasks");
}

TEST(LockHolders, LineParsersTakeOnlyTheirFormats) {
    // Comms with spaces, colons and slashes: the pid is after the last ':' or '/'.
    auto h = parseBlockerLine("INFO: task kworker/4:1 x:16648 is blocked on a mutex likely owned "
                              "by task (udev-synth):4041.");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->waiter.comm, "kworker/4:1 x");
    EXPECT_EQ(h->waiter.pid, 16648);
    EXPECT_EQ(h->holder->comm, "(udev-synth)");
    EXPECT_EQ(h->holder->pid, 4041);
    auto l = parseHeldLocksLine("3 locks held by kworker/u8:0/11:");
    ASSERT_TRUE(l);
    EXPECT_EQ(l->task.comm, "kworker/u8:0");
    EXPECT_EQ(l->task.pid, 11);
    EXPECT_EQ(l->count, 3u);
    auto lock = parseHeldLockLine(" #0: ffff888012472538 ((wq_completion)rcu_gp){+.+.}-{0:0}, at: "
                                  "process_one_work+0x77f/0x13a0");
    ASSERT_TRUE(lock);
    EXPECT_EQ(lock->name, "(wq_completion)rcu_gp");
    EXPECT_EQ(lock->acquiredAt, "process_one_work");
    auto old = parseHeldLockLine(" #1:  (&type->i_mutex_dir_key){+.+.}, at: [<ffffffff811b2c3d>] "
                                 "do_last+0x2c1/0x1190");
    ASSERT_TRUE(old);
    EXPECT_FALSE(old->address);
    EXPECT_EQ(old->acquiredAt, "do_last");
    for (const char* bad :
         {"INFO: task cat:115 blocked for more than 122 seconds.",
          "INFO: task cat:115 is blocked on a spinlock likely owned by task cat:114.",
          "INFO: task cat is blocked on a mutex likely owned by task cat:114.",
          "INFO: task cat:115 is blocked on a mutex likely owned by task cat.",
          "INFO: task cat:115 is blocked on a mutex, but",
          "2 locks held by cat114:", "locks held by cat/114:", "#x: ffff (a){....}, at: f+0x1/0x2",
          " #0: zzzz (a){....}-{1:2}, at: f+0x1/0x2"}) {
        EXPECT_FALSE(parseBlockerLine(bad)) << bad;
        EXPECT_FALSE(parseHeldLocksLine(bad)) << bad;
        EXPECT_FALSE(parseHeldLockLine(bad)) << bad;
    }
}

TEST(LockHolders, BoundedOnAFloodOfBlockerLines) {
    std::string log = kHungCat;
    for (int i = 0; i < 5000; ++i)
        log += "INFO: task cat:115 is blocked on a mutex likely owned by task cat:" +
               std::to_string(i) + ".\n";
    log += "Showing all locks held in the system:\n";
    for (int i = 0; i < 6000; ++i)
        log +=
            "1 lock held by t/" + std::to_string(i) + ":\n #0: ffff8881 (x){....}, at: f+0x1/0x2\n";
    log += kPanic;
    auto r = triageConsoleText(log, "flood.log");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->lockHolders.size(), kMaxLockHolders);
    EXPECT_EQ(r->heldLocks.size(), kMaxHeldLockTasks);
    EXPECT_EQ(r->title, kTitle);
}

} // namespace
} // namespace panicscope::triage
