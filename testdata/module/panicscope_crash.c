// SPDX-License-Identifier: GPL-2.0
/*
 * panicscope_crash: crashes the kernel in a chosen way, for panicscope's
 * generated test dumps (testdata/generate.sh, scenarios mod-<mode>).
 *
 *   insmod panicscope_crash.ko mode=MODE
 *   echo 1 > /proc/panicscope_crash        (from the task that should crash)
 *
 * Loading only checks MODE and creates /proc/panicscope_crash, so the module
 * is fully live (MODULE_STATE_LIVE) when the kernel dies.  The write then
 * crashes as MODE says:
 *
 *   null        NULL pointer store in the writing task (page fault, oops)
 *   nullcall    a call through a NULL function pointer in the writing
 *               task (instruction fetch fault at RIP 0, oops)
 *   bug         BUG() in the writing task (invalid opcode, oops)
 *   timer       arms a timer_list; its callback stores through NULL in
 *               softirq context
 *   hrtimer     arms a hard hrtimer; its callback stores through NULL in
 *               hard interrupt context
 *   softlockup  spins with preemption disabled until the soft-lockup
 *               detector panics (needs softlockup_panic=1)
 *   hungtask    a kthread ("psc_holder") takes psc_mutex, prints
 *               "panicscope_crash: mutex <addr> held by pid <pid>" and sleeps
 *               interruptibly forever (so the detector does not flag it);
 *               the writing task then blocks in mutex_lock() on it, in
 *               TASK_UNINTERRUPTIBLE, until khungtaskd panics (needs
 *               hung_task_panic=1)
 *   overflow    unbounded recursion: the stack guard page is hit and the
 *               fault becomes a double fault on its IST stack
 *
 * The oops modes panic only with panic_on_oops (boot with oops=panic).
 * Never load this module on a machine you care about.
 */
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/timer.h>

static char *mode = "";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "null, nullcall, bug, timer, hrtimer, softlockup, hungtask or overflow");

/* Always NULL; volatile so that the compiler must really load and store. */
static int *volatile psc_null_ptr;
/* Always NULL too: a callback somebody forgot to set. */
static void (*volatile psc_null_fn)(void);
static struct timer_list psc_timer;
static struct hrtimer psc_hrtimer;
static struct proc_dir_entry *psc_proc;
/* Written after the crashing call so that the callbacks do not tail-call it. */
static volatile int psc_fired;

static noinline void psc_null_store(void)
{
	*psc_null_ptr = 0x5053; /* "PS" */
}

/* Not a tail call (psc_fired is written after it): the return address stays. */
static noinline void psc_null_call(void)
{
	psc_null_fn();
	psc_fired = 1;
}

static noinline void psc_bug(void)
{
	BUG();
}

static void psc_timer_fn(struct timer_list *t)
{
	psc_null_store();
	psc_fired = 1;
}

static enum hrtimer_restart psc_hrtimer_fn(struct hrtimer *t)
{
	psc_null_store();
	psc_fired = 1;
	return HRTIMER_NORESTART;
}

static noinline void psc_softlockup(void)
{
	preempt_disable();
	for (;;)
		cpu_relax();
}

/* hungtask: the lock the writer blocks on, and its holder's signal that it has it. */
static DEFINE_MUTEX(psc_mutex);
static DECLARE_COMPLETION(psc_mutex_taken);

/*
 * Takes psc_mutex and never gives it back.  It sleeps interruptibly, so the
 * hung-task detector (which looks at TASK_UNINTERRUPTIBLE tasks only) names
 * the waiter, not the holder: finding the holder is the analyzer's job.
 */
static int psc_mutex_holder(void *unused)
{
	mutex_lock(&psc_mutex);
	pr_emerg("panicscope_crash: mutex %px held by pid %d\n", &psc_mutex, current->pid);
	complete(&psc_mutex_taken);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		schedule();
	}
	return 0;
}

static noinline void psc_hungtask(void)
{
	struct task_struct *holder = kthread_run(psc_mutex_holder, NULL, "psc_holder");

	if (IS_ERR(holder)) {
		pr_err("panicscope_crash: kthread_run failed: %ld\n", PTR_ERR(holder));
		return;
	}
	wait_for_completion(&psc_mutex_taken);
	mutex_lock(&psc_mutex); /* blocks in TASK_UNINTERRUPTIBLE for good */
	psc_fired = 1;          /* not a tail call: psc_hungtask stays on the stack */
	mutex_unlock(&psc_mutex);
}

/*
 * Each frame keeps a buffer the compiler cannot drop and uses the callee's
 * result, so there is no tail call; the depth test only keeps the compiler
 * from calling the recursion infinite (the stack ends long before).
 */
static noinline int psc_recurse(int depth)
{
	volatile char pad[256];

	pad[0] = (char)depth;
	pad[sizeof(pad) - 1] = (char)depth;
	if (depth == INT_MAX)
		return pad[0];
	return psc_recurse(depth + 1) + pad[sizeof(pad) - 1];
}

static ssize_t psc_write(struct file *file, const char __user *buf, size_t len, loff_t *pos)
{
	pr_emerg("panicscope_crash: crashing, mode=%s\n", mode);
	if (!strcmp(mode, "null")) {
		psc_null_store();
	} else if (!strcmp(mode, "nullcall")) {
		psc_null_call();
	} else if (!strcmp(mode, "bug")) {
		psc_bug();
	} else if (!strcmp(mode, "timer")) {
		mod_timer(&psc_timer, jiffies + msecs_to_jiffies(100));
	} else if (!strcmp(mode, "hrtimer")) {
		hrtimer_start(&psc_hrtimer, ms_to_ktime(100), HRTIMER_MODE_REL_HARD);
	} else if (!strcmp(mode, "softlockup")) {
		psc_softlockup();
	} else if (!strcmp(mode, "hungtask")) {
		psc_hungtask();
	} else if (!strcmp(mode, "overflow")) {
		pr_emerg("panicscope_crash: depth %d\n", psc_recurse(0));
	}
	return len;
}

static const struct proc_ops psc_proc_ops = {
	.proc_write = psc_write,
};

static int __init psc_init(void)
{
	static const char *const modes[] = {
		"null", "nullcall", "bug", "timer", "hrtimer", "softlockup", "hungtask", "overflow",
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(modes); i++)
		if (!strcmp(mode, modes[i]))
			break;
	if (i == ARRAY_SIZE(modes)) {
		pr_err("panicscope_crash: unknown mode '%s'\n", mode);
		return -EINVAL;
	}
	timer_setup(&psc_timer, psc_timer_fn, 0);
	hrtimer_init(&psc_hrtimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	psc_hrtimer.function = psc_hrtimer_fn;
	psc_proc = proc_create("panicscope_crash", 0200, NULL, &psc_proc_ops);
	if (!psc_proc)
		return -ENOMEM;
	pr_info("panicscope_crash: loaded, mode=%s\n", mode);
	return 0;
}

static void __exit psc_exit(void)
{
	proc_remove(psc_proc);
	del_timer_sync(&psc_timer);
	hrtimer_cancel(&psc_hrtimer);
}

module_init(psc_init);
module_exit(psc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Crashes the kernel on purpose, for panicscope's test dumps");
MODULE_AUTHOR("panicscope");
