#include "kernel/mutex_wait.h"

#include "kernel/list_walk.h"

#include <cstring>
#include <vector>

namespace panicscope::kernel {

namespace {

struct Offsets {
    uint64_t waiterList = 0, waiterTask = 0;         // struct mutex_waiter
    uint64_t owner = 0, ownerSize = 0, waitList = 0; // struct mutex
    uint64_t next = 0, prev = 0;                     // struct list_head
};

Result<Offsets> offsets(const KernelView& view) {
    Offsets o;
    for (auto r : {view.memberOffset("mutex_waiter", "list", o.waiterList),
                   view.memberOffset("mutex_waiter", "task", o.waiterTask),
                   view.memberOffset("mutex", "owner", o.owner, &o.ownerSize),
                   view.memberOffset("mutex", "wait_list", o.waitList),
                   view.memberOffset("list_head", "next", o.next),
                   view.memberOffset("list_head", "prev", o.prev)})
        if (!r) return tl::unexpected(r.error());
    if (o.ownerSize != 8) return fail(Errc::Unsupported, "mutex.owner is not 8 bytes");
    return o;
}

class WaitFinder {
  public:
    WaitFinder(const KernelView& view, const Offsets& o, uint64_t threadSize, const TaskAt& taskAt)
        : memory_(view.memory()), o_(o), threadSize_(threadSize), taskAt_(taskAt) {}

    // The wait of the mutex_waiter whose `task` field is at `taskField`, if it is one.
    std::optional<MutexWait> waitAt(uint64_t taskField) const {
        if (taskField < o_.waiterTask) return std::nullopt;
        const uint64_t waiter = taskField - o_.waiterTask;
        const uint64_t node = waiter + o_.waiterList;
        if (!linked(node)) return std::nullopt;
        const ListWalk ring = walkList(memory_, node, 0, kMaxMutexWaiters);
        if (ring.problem) return std::nullopt;
        // Every other node is another sleeper's mutex_waiter, but one: the mutex's wait_list.
        std::optional<uint64_t> head;
        size_t waiters = 1;
        for (uint64_t n : ring.entries) {
            if (waiterNode(n)) {
                ++waiters;
                continue;
            }
            if (head) return std::nullopt; // two candidates: not a mutex's wait ring
            head = n;
        }
        if (!head || *head < o_.waitList) return std::nullopt;
        MutexWait w{*head - o_.waitList, waiter, 0, waiters};
        auto owner = memory_.readU64(w.mutex + o_.owner);
        if (!owner) return std::nullopt;
        w.owner = *owner & ~kMutexFlags;
        return w;
    }

  private:
    // next->prev and prev->next both lead back to the list_head at `node`.
    bool linked(uint64_t node) const {
        auto next = memory_.readU64(node + o_.next);
        auto prev = memory_.readU64(node + o_.prev);
        if (!next || !prev || *next == node) return false;
        auto backFromNext = memory_.readU64(*next + o_.prev);
        auto backFromPrev = memory_.readU64(*prev + o_.next);
        return backFromNext && backFromPrev && *backFromNext == node && *backFromPrev == node;
    }
    // The list_head at `node` is the `list` of a mutex_waiter on the stack of the task it names.
    bool waiterNode(uint64_t node) const {
        if (node < o_.waiterList) return false;
        auto task = memory_.readU64(node - o_.waiterList + o_.waiterTask);
        if (!task) return false;
        const Task* t = taskAt_(*task);
        return t && t->stack != 0 && node >= t->stack && node - t->stack < threadSize_;
    }

    const dump::Memory& memory_;
    const Offsets& o_;
    uint64_t threadSize_;
    const TaskAt& taskAt_;
};

} // namespace

Result<std::optional<MutexWait>> findMutexWait(const KernelView& view, const Task& task,
                                               uint64_t threadSize, const TaskAt& taskAt) {
    if (task.stack == 0 || threadSize == 0 || threadSize > (1u << 20))
        return fail(Errc::Unsupported, "the task's stack is unknown");
    auto o = offsets(view);
    if (!o) return tl::unexpected(o.error());
    const uint64_t top = task.stack + threadSize;
    // The waiter lies in __mutex_lock_common's frame: above the saved stack pointer.
    const uint64_t from =
        task.threadSp >= task.stack && task.threadSp < top ? task.threadSp & ~7ull : task.stack;
    std::vector<std::byte> words(top - from);
    if (auto r = view.memory().read(from, words); !r) return tl::unexpected(r.error());
    const WaitFinder finder(view, *o, threadSize, taskAt);
    for (size_t i = 0; i + 8 <= words.size(); i += 8) {
        uint64_t word = 0;
        std::memcpy(&word, words.data() + i, 8);
        if (word != task.address) continue;
        if (auto wait = finder.waitAt(from + i)) return wait;
    }
    return std::optional<MutexWait>();
}

} // namespace panicscope::kernel
