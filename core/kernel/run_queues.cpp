#include "kernel/run_queues.h"

#include "kernel/list_walk.h"
#include "util/hex.h"

#include <optional>

namespace panicscope::kernel {
namespace {

constexpr size_t kMaxQueued =
    1u << 16;                      // per CPU; far above any real queue, a bound for corrupt trees
constexpr int kMaxGroupDepth = 16; // nested task groups (cgroups) a CFS walk follows

struct RqLayout {
    uint64_t curr, cfs, timeline, rtActive, queue, queueSize, taskSe, seRunNode, taskRt, rtRunList,
        prio, rbLeft, rbRight;
    std::optional<uint64_t> seMyQ; // CONFIG_FAIR_GROUP_SCHED
};

Result<RqLayout> resolveLayout(const KernelView& view) {
    RqLayout l{};
    auto get = [&](std::string_view s, std::string_view m, uint64_t& off,
                   uint64_t* size = nullptr) { return view.memberOffset(s, m, off, size); };
    for (auto r :
         {get("rq", "curr", l.curr), get("rq", "cfs", l.cfs),
          get("cfs_rq", "tasks_timeline", l.timeline), get("rq", "rt.active", l.rtActive),
          get("rt_prio_array", "queue", l.queue, &l.queueSize), get("task_struct", "se", l.taskSe),
          get("sched_entity", "run_node", l.seRunNode), get("task_struct", "rt", l.taskRt),
          get("sched_rt_entity", "run_list", l.rtRunList), get("task_struct", "prio", l.prio),
          get("rb_node", "rb_left", l.rbLeft), get("rb_node", "rb_right", l.rbRight)})
        if (!r) return tl::unexpected(r.error());
    if (auto m = view.member("sched_entity", "my_q")) l.seMyQ = m->offset;
    return l;
}

class QueueReader {
  public:
    QueueReader(const KernelView& view, const RqLayout& l, RunQueue& out)
        : mem_(view.memory()), l_(l), out_(out) {}

    // The tasks of a cfs_rq's tree in order; a group entity's own queue where it sits.
    void cfs(uint64_t cfsRq, int depth) {
        // tasks_timeline is an rb_root_cached: the root's rb_node pointer comes first.
        auto root = mem_.readU64(cfsRq + l_.timeline);
        if (!root) return warn("cfs_rq " + hex(cfsRq) + ": " + root.error().message);
        std::vector<uint64_t> path; // an in-order walk with its own stack, bounded
        for (uint64_t node = *root; node || !path.empty();) {
            if (out_.cfs.size() + path.size() > kMaxQueued)
                return warn("cfs_rq " + hex(cfsRq) + ": more than " + std::to_string(kMaxQueued) +
                            " entities");
            if (node) {
                path.push_back(node);
                node = next(node + l_.rbLeft);
                continue;
            }
            if (++steps_ > kMaxQueued)
                return warn("cfs_rq " + hex(cfsRq) + ": more than " + std::to_string(kMaxQueued) +
                            " entities");
            node = path.back();
            path.pop_back();
            entity(node - l_.seRunNode, depth);
            node = next(node + l_.rbRight);
        }
    }

    void rt(uint64_t array) {
        const uint64_t queues = l_.queueSize / 16; // list_heads
        for (uint64_t i = 0; i < queues && out_.rt.size() < kMaxQueued; ++i) {
            ListWalk walk = walkList(mem_, array + l_.queue + i * 16, l_.rtRunList, kMaxQueued);
            if (walk.problem)
                out_.warnings.push_back(describeListProblem("rt queue", *walk.problem));
            for (uint64_t rtEntity : walk.entries)
                add(rtEntity - l_.taskRt, out_.rt);
        }
    }

  private:
    // A child pointer; 0 (and a warning) when unreadable, which ends that branch.
    uint64_t next(uint64_t pointer) {
        auto v = mem_.readU64(pointer);
        if (!v) warn("rb_node at " + hex(pointer) + ": " + v.error().message);
        return v.value_or(0);
    }

    void entity(uint64_t se, int depth) {
        if (l_.seMyQ) {
            auto myQ = mem_.readU64(se + *l_.seMyQ);
            if (!myQ) return warn("sched_entity " + hex(se) + ": " + myQ.error().message);
            if (*myQ) {
                if (depth >= kMaxGroupDepth)
                    return warn("task groups nested deeper than " + std::to_string(kMaxGroupDepth));
                return cfs(*myQ, depth + 1);
            }
        }
        add(se - l_.taskSe, out_.cfs);
    }

    void add(uint64_t task, std::vector<QueuedTask>& to) {
        auto prio = mem_.readU32(task + l_.prio);
        if (!prio) return warn("task " + hex(task) + ": " + prio.error().message);
        to.push_back({task, static_cast<int32_t>(*prio)});
    }

    void warn(std::string text) { out_.warnings.push_back(std::move(text)); }

    const dump::Memory& mem_;
    const RqLayout& l_;
    RunQueue& out_;
    size_t steps_ = 0; // entities visited in all trees: bounds a corrupt tree of groups too
};

} // namespace

Result<std::vector<RunQueue>> readRunQueues(const KernelView& view, const PerCpu& perCpu) {
    auto layout = resolveLayout(view);
    if (!layout) return tl::unexpected(layout.error());
    std::vector<RunQueue> out;
    for (unsigned cpu : perCpu.cpus()) {
        RunQueue q;
        q.cpu = cpu;
        auto rq = perCpu.variable(view, "runqueues", cpu);
        if (!rq) return tl::unexpected(rq.error());
        q.address = *rq;
        q.rtArray = *rq + layout->rtActive;
        q.cfsRoot = *rq + layout->cfs + layout->timeline;
        if (auto curr = view.memory().readU64(*rq + layout->curr))
            q.current = *curr;
        else
            q.warnings.push_back("rq " + hex(*rq) + " curr: " + curr.error().message);
        QueueReader reader(view, *layout, q);
        reader.rt(q.rtArray);
        reader.cfs(*rq + layout->cfs, 0);
        out.push_back(std::move(q));
    }
    return out;
}

} // namespace panicscope::kernel
