#include "kernel/tasks.h"

#include "kernel/list_walk.h"
#include "kernel/task_state.h"
#include "kernel/xarray.h"
#include "util/hex.h"

#include <algorithm>
#include <unordered_set>

namespace panicscope::kernel {
namespace {

constexpr uint64_t kPfKthread = 0x00200000;
constexpr size_t kMaxTasks = 4u << 20; // far above PID_MAX_LIMIT; a bound against corrupt lists

// Field offsets resolved once per list, so a missing member fails early with its name.
struct TaskLayout {
    uint64_t tasks, threadNode, signal, threadHead, pid, tgid, realParent, comm, commSize, state,
        stateSize, exitState, flags, cpu, cpuSize, stack, threadSp, nvcsw, nivcsw;
    // ps -l and -t only: a kernel without them still lists its tasks.
    std::optional<uint64_t> lastRun, utime, stime, startTime;
};

std::optional<uint64_t> optionalOffset(const KernelView& view, std::string_view member) {
    auto m = view.member("task_struct", member);
    return m && m->size == 8 ? std::optional<uint64_t>(m->offset) : std::nullopt;
}

Result<TaskLayout> resolveLayout(const KernelView& view) {
    TaskLayout l{};
    auto get = [&](std::string_view s, std::string_view m, uint64_t& off,
                   uint64_t* size = nullptr) { return view.memberOffset(s, m, off, size); };
    for (auto r :
         {get("task_struct", "tasks", l.tasks), get("task_struct", "thread_node", l.threadNode),
          get("task_struct", "signal", l.signal), get("signal_struct", "thread_head", l.threadHead),
          get("task_struct", "pid", l.pid), get("task_struct", "tgid", l.tgid),
          get("task_struct", "real_parent", l.realParent),
          get("task_struct", "comm", l.comm, &l.commSize),
          get("task_struct", "exit_state", l.exitState), get("task_struct", "flags", l.flags),
          get("task_struct", "stack", l.stack), get("task_struct", "thread.sp", l.threadSp),
          get("task_struct", "nvcsw", l.nvcsw), get("task_struct", "nivcsw", l.nivcsw)})
        if (!r) return tl::unexpected(r.error());
    // 5.14 renamed state to __state; 5.16 moved cpu back into thread_info.
    if (!get("task_struct", "__state", l.state, &l.stateSize) &&
        !get("task_struct", "state", l.state, &l.stateSize))
        return fail(Errc::NoType, "task_struct has neither '__state' nor 'state'");
    if (!get("task_struct", "thread_info.cpu", l.cpu, &l.cpuSize) &&
        !get("task_struct", "cpu", l.cpu, &l.cpuSize))
        return fail(Errc::NoType, "task_struct has neither 'thread_info.cpu' nor 'cpu'");
    l.lastRun = optionalOffset(view, "sched_info.last_arrival");
    if (!l.lastRun) l.lastRun = optionalOffset(view, "se.exec_start");
    l.utime = optionalOffset(view, "utime");
    l.stime = optionalOffset(view, "stime");
    l.startTime = optionalOffset(view, "start_time");
    return l;
}

class TaskReader {
  public:
    TaskReader(const KernelView& view, const TaskLayout& layout, TaskList& out)
        : view_(view), mem_(view.memory()), l_(layout), out_(out) {}

    // Adds the task once; false if it was seen before or cannot be read.
    bool add(uint64_t address, TaskSource source) {
        if (!seen_.insert(address).second) return false;
        auto task = read(address);
        if (!task) {
            out_.warnings.push_back("task " + hex(address) + ": " + task.error().message);
            return false;
        }
        task->source = source;
        out_.tasks.push_back(*task);
        return true;
    }

    // Follows a list_head ring from `head` and returns the containing objects (entry - offset).
    std::vector<uint64_t> ring(uint64_t head, uint64_t memberOffset, const char* what) {
        ListWalk walk = walkList(mem_, head, memberOffset, kMaxTasks);
        // The bound is a guard against corrupt lists and has never been reported: kept so.
        if (walk.problem && walk.problem->kind != ListProblem::Kind::TooLong) {
            out_.warnings.push_back(describeListProblem(what, *walk.problem));
            ringDamaged_ = true;
        }
        return std::move(walk.entries);
    }

    bool seen(uint64_t address) const { return seen_.contains(address); }
    // Whether a ring walk stopped before it came back to its head.
    bool ringDamaged() const { return ringDamaged_; }

  private:
    Result<Task> read(uint64_t a) const {
        Task t;
        t.address = a;
        auto pid = mem_.readU32(a + l_.pid);
        auto tgid = mem_.readU32(a + l_.tgid);
        auto parent = mem_.readU64(a + l_.realParent);
        auto comm = mem_.readCString(a + l_.comm, l_.commSize);
        auto state = view_.readUnsigned(a + l_.state, l_.stateSize);
        auto exitState = mem_.readU32(a + l_.exitState);
        auto flags = mem_.readU32(a + l_.flags);
        auto cpu = view_.readUnsigned(a + l_.cpu, l_.cpuSize);
        for (const Result<uint64_t>* r : {&parent})
            if (!*r) return tl::unexpected(r->error());
        for (const Result<uint32_t>* r : {&pid, &tgid, &exitState, &flags})
            if (!*r) return tl::unexpected(r->error());
        if (!comm) return tl::unexpected(comm.error());
        if (!state) return tl::unexpected(state.error());
        if (!cpu) return tl::unexpected(cpu.error());
        t.pid = static_cast<int32_t>(*pid);
        t.tgid = static_cast<int32_t>(*tgid);
        t.comm = *comm;
        t.state = taskStateLetter(static_cast<uint32_t>(*state), *exitState);
        t.kernelThread = (*flags & kPfKthread) != 0;
        t.cpu = static_cast<uint32_t>(*cpu);
        if (*parent == a || t.pid == 0) {
            t.ppid = 0; // idle tasks: init_task is its own parent, the others are init's forks
        } else if (auto ptgid = mem_.readU32(*parent + l_.tgid)) {
            t.ppid = static_cast<int32_t>(*ptgid);
        } else {
            return tl::unexpected(withContext(ptgid.error(), "reading its parent"));
        }
        // Stack facts are for the unwinder; a task without them is still a task.
        t.stack = mem_.readU64(a + l_.stack).value_or(0);
        t.threadSp = mem_.readU64(a + l_.threadSp).value_or(0);
        t.nvcsw = mem_.readU64(a + l_.nvcsw).value_or(0);
        t.nivcsw = mem_.readU64(a + l_.nivcsw).value_or(0);
        t.lastRun = optional(a, l_.lastRun);
        t.utime = optional(a, l_.utime);
        t.stime = optional(a, l_.stime);
        t.startTime = optional(a, l_.startTime);
        return t;
    }

    uint64_t optional(uint64_t task, std::optional<uint64_t> offset) const {
        return offset ? mem_.readU64(task + *offset).value_or(0) : 0;
    }

    const KernelView& view_;
    const dump::Memory& mem_;
    const TaskLayout& l_;
    TaskList& out_;
    std::unordered_set<uint64_t> seen_;
    bool ringDamaged_ = false;
};

// Every task with a pid in the initial pid namespace: init_pid_ns.idr maps each number to its
// struct pid, whose tasks[PIDTYPE_PID] list holds the task (task_struct.pid_links[0]). Idle
// tasks have no entry there. A problem is a warning and the tasks read until then are kept.
Result<std::vector<uint64_t>> tasksInPidIdr(const KernelView& view) {
    auto ns = view.address("init_pid_ns");
    if (!ns) return tl::unexpected(ns.error());
    auto idr = view.member("pid_namespace", "idr");
    auto root = view.member("idr", "idr_rt");
    auto pidTasks = view.member("pid", "tasks");
    auto links = view.member("task_struct", "pid_links");
    auto xarray = resolveXarrayLayout(view.layouts());
    for (const auto* r : {&idr, &root, &pidTasks, &links})
        if (!*r) return tl::unexpected(r->error());
    if (!xarray) return tl::unexpected(xarray.error());
    const XarrayWalk walk =
        walkXarray(view.memory(), *xarray, *ns + idr->offset + root->offset, kMaxTasks);
    if (!walk.problems.empty())
        return fail(Errc::Corrupt, walk.problems.front() + " (" +
                                       std::to_string(walk.entries.size()) + " pids read)");
    std::vector<uint64_t> tasks;
    for (const XarrayEntry& e : walk.entries) {
        auto first = view.memory().readU64(e.value + pidTasks->offset); // hlist_head.first
        if (first && *first) tasks.push_back(*first - links->offset);
    }
    return tasks;
}

enum class CpuTask { Current, Idle };

// A CPU's current or idle task. The per-CPU pointers the kernel itself uses (current_task,
// pcpu_hot.current_task on 6.2 to 6.14, idle_threads) come first: struct rq lives only in the
// scheduler's compilation units, and finding its layout means reading most of the DWARF.
Result<uint64_t> cpuTask(const KernelView& view, const PerCpu& perCpu, unsigned cpu,
                         CpuTask which) {
    const char* direct = which == CpuTask::Current ? "current_task" : "idle_threads";
    if (auto v = perCpu.variable(view, direct, cpu)) return view.memory().readU64(*v);
    if (which == CpuTask::Current)
        if (auto hot = perCpu.variable(view, "pcpu_hot", cpu))
            if (auto m = view.member("pcpu_hot", "current_task"))
                return view.memory().readU64(*hot + m->offset);
    auto rq = perCpu.variable(view, "runqueues", cpu);
    if (!rq) return tl::unexpected(rq.error());
    auto m = view.member("rq", which == CpuTask::Current ? "curr" : "idle");
    if (!m) return tl::unexpected(m.error());
    return view.memory().readU64(*rq + m->offset);
}

// Adds the tasks of the pid IDR that the walks missed, with a warning that says how many.
void completeFromPidIdr(const KernelView& view, TaskReader& reader, TaskList& out) {
    auto tasks = tasksInPidIdr(view);
    size_t added = 0;
    for (uint64_t task : tasks ? *tasks : std::vector<uint64_t>{})
        added += reader.add(task, TaskSource::PidIdr);
    if (!tasks)
        out.warnings.push_back("the pid IDR (init_pid_ns.idr) cannot complete the task list: " +
                               tasks.error().message);
    else
        out.warnings.push_back(std::to_string(added) +
                               " tasks the walks missed were found in the pid IDR");
}

} // namespace

const char* taskSourceKey(TaskSource source) {
    switch (source) {
    case TaskSource::TaskList:
        return "task_list";
    case TaskSource::ThreadGroup:
        return "thread_group";
    case TaskSource::CpuIdle:
        return "cpu_idle";
    case TaskSource::CpuCurrent:
        return "cpu_current";
    case TaskSource::PidIdr:
        return "pid_idr";
    }
    return "?";
}

Result<TaskList> readTasks(const KernelView& view, const PerCpu& perCpu) {
    auto layout = resolveLayout(view);
    if (!layout) return tl::unexpected(layout.error());
    auto initTask = view.address("init_task");
    if (!initTask) return tl::unexpected(initTask.error());
    TaskList out;
    TaskReader reader(view, *layout, out);
    if (!reader.add(*initTask, TaskSource::CpuIdle))
        return fail(Errc::Corrupt,
                    "cannot read init_task: " + (out.warnings.empty() ? "" : out.warnings.back()));

    // Each CPU's current and idle task; the idle tasks other than init_task are on no list.
    out.currentByCpu.assign(perCpu.cpuIdCount(), 0);
    for (unsigned cpu : perCpu.cpus()) {
        auto current = cpuTask(view, perCpu, cpu, CpuTask::Current);
        if (current)
            out.currentByCpu[cpu] = *current;
        else
            out.warnings.push_back("CPU " + std::to_string(cpu) +
                                   " current task: " + current.error().message);
        if (auto idle = cpuTask(view, perCpu, cpu, CpuTask::Idle); idle && *idle)
            reader.add(*idle, TaskSource::CpuIdle);
    }

    auto addThreads = [&](uint64_t process) {
        auto signal = view.memory().readU64(process + layout->signal);
        if (!signal || *signal == 0) return;
        for (uint64_t thread :
             reader.ring(*signal + layout->threadHead, layout->threadNode, "thread"))
            reader.add(thread, TaskSource::ThreadGroup);
    };
    for (uint64_t process : reader.ring(*initTask + layout->tasks, layout->tasks, "task")) {
        reader.add(process, TaskSource::TaskList);
        addThreads(process);
    }
    // A damaged task list loses the tasks after the damage; the running ones are still known,
    // and the pid IDR knows the rest.
    for (uint64_t current : out.currentByCpu)
        if (current && !reader.seen(current) && reader.add(current, TaskSource::CpuCurrent)) {
            out.warnings.push_back("task " + hex(current) +
                                   " runs on a CPU but is on no task list walked");
            addThreads(current);
        }
    if (reader.ringDamaged()) completeFromPidIdr(view, reader, out);

    for (auto& t : out.tasks)
        t.onCpu = t.cpu < out.currentByCpu.size() && out.currentByCpu[t.cpu] == t.address;
    std::stable_sort(out.tasks.begin(), out.tasks.end(), [](const Task& a, const Task& b) {
        return a.pid != b.pid ? a.pid < b.pid : a.cpu < b.cpu;
    });
    return out;
}

} // namespace panicscope::kernel
