#include "kernel/irqs.h"

#include "kernel/maple_tree.h"
#include "util/hex.h"

namespace panicscope::kernel {
namespace {

constexpr size_t kMaxIrqs = 1u << 16; // far above any NR_IRQS; a bound for a corrupt tree
constexpr size_t kMaxActions = 64;    // sharers of one line
constexpr int kMaxDepth = 11;         // 64-bit indices in 6-bit levels
constexpr uint64_t kXaNodeTag = 2;    // xa_mk_node(): node pointers carry 2 in their low bits

// The xarray members are only resolved (and only used) on kernels with irq_desc_tree.
struct IrqLayout {
    uint64_t xaHead, nodeShift, nodeSlots, slotsSize, kstat, action, actionName, actionHandler,
        actionNext;
};

Result<IrqLayout> resolveLayout(const KernelView& view, bool xarray) {
    IrqLayout l{};
    auto get = [&](std::string_view s, std::string_view m, uint64_t& off,
                   uint64_t* size = nullptr) { return view.memberOffset(s, m, off, size); };
    for (auto r :
         {get("irq_desc", "kstat_irqs", l.kstat), get("irq_desc", "action", l.action),
          get("irqaction", "name", l.actionName), get("irqaction", "handler", l.actionHandler),
          get("irqaction", "next", l.actionNext)})
        if (!r) return tl::unexpected(r.error());
    if (!xarray) return l;
    for (auto r : {get("xarray", "xa_head", l.xaHead), get("xa_node", "shift", l.nodeShift),
                   get("xa_node", "slots", l.nodeSlots, &l.slotsSize)})
        if (!r) return tl::unexpected(r.error());
    return l;
}

bool isNode(uint64_t entry) {
    return (entry & 3) == kXaNodeTag && entry > 4096;
}

class IrqReader {
  public:
    IrqReader(const KernelView& view, const PerCpu& perCpu, const IrqLayout& l, IrqTable& out)
        : view_(view), mem_(view.memory()), perCpu_(perCpu), l_(l), out_(out) {}

    // The entries below an xarray entry, whose first index is `base`.
    void walk(uint64_t entry, uint64_t base, int depth) {
        if (!entry || out_.irqs.size() >= kMaxIrqs) return;
        if (!isNode(entry)) {
            if ((entry & 3) == 0) desc(base, entry); // else a retry or sibling entry
            return;
        }
        const uint64_t node = entry - kXaNodeTag;
        auto shift = mem_.readValue<uint8_t>(node + l_.nodeShift);
        if (!shift) return warn("xa_node " + hex(node) + ": " + shift.error().message);
        if (depth >= kMaxDepth || *shift >= 64)
            return warn("irq_desc_tree: xa_node " + hex(node) + " is deeper than an index");
        for (uint64_t i = 0; i < l_.slotsSize / 8; ++i) {
            auto slot = mem_.readU64(node + l_.nodeSlots + 8 * i);
            if (!slot) return warn("xa_node " + hex(node) + ": " + slot.error().message);
            walk(*slot, base + (i << *shift), depth + 1);
        }
    }

    void desc(uint64_t number, uint64_t address) {
        auto action = mem_.readU64(address + l_.action);
        if (!action) return warn("irq " + std::to_string(number) + ": " + action.error().message);
        if (!*action) return; // no handler: /proc/interrupts leaves it out too
        Irq irq{number, address, {}, {}};
        auto kstat = mem_.readU64(address + l_.kstat);
        for (unsigned cpu : perCpu_.cpus()) {
            auto at = kstat && *kstat ? perCpu_.pointer(*kstat, cpu) : Result<uint64_t>(0);
            auto count = at && *at ? mem_.readU32(*at) : Result<uint32_t>(0);
            irq.counts.push_back(count.value_or(0));
        }
        for (uint64_t a = *action; a && irq.actions.size() < kMaxActions;) {
            auto name = mem_.readU64(a + l_.actionName);
            auto handler = mem_.readU64(a + l_.actionHandler);
            auto next = mem_.readU64(a + l_.actionNext);
            if (!name || !handler || !next) {
                warn("irq " + std::to_string(number) + ": irqaction " + hex(a) + " is unreadable");
                break;
            }
            irq.actions.push_back(
                {*name ? mem_.readCString(*name, 64).value_or("?") : "", *handler});
            a = *next;
        }
        out_.irqs.push_back(std::move(irq));
    }

    void warn(std::string text) { out_.warnings.push_back(std::move(text)); }

  private:
    const KernelView& view_;
    const dump::Memory& mem_;
    const PerCpu& perCpu_;
    const IrqLayout& l_;
    IrqTable& out_;
};

// 6.5+: sparse_irqs, a maple tree from IRQ number to irq_desc, one index per entry.
Result<IrqTable> readMapleIrqs(const KernelView& view, const PerCpu& perCpu, uint64_t tree) {
    auto maple = resolveMapleTreeLayout(view.layouts());
    if (!maple) return tl::unexpected(withContext(maple.error(), "reading sparse_irqs"));
    auto layout = resolveLayout(view, false);
    if (!layout) return tl::unexpected(layout.error());
    const MapleWalk walk = walkMapleTree(view.memory(), *maple, tree, kMaxIrqs);
    IrqTable out;
    IrqReader reader(view, perCpu, *layout, out);
    for (const std::string& problem : walk.problems)
        reader.warn("sparse_irqs: " + problem);
    for (const MapleEntry& e : walk.entries) {
        if (e.first != e.last)
            reader.warn("sparse_irqs: one descriptor for IRQs " + std::to_string(e.first) + "-" +
                        std::to_string(e.last) + "; shown once, as " + std::to_string(e.first));
        reader.desc(e.first, e.value);
    }
    return out;
}

} // namespace

Result<IrqTable> readIrqs(const KernelView& view, const PerCpu& perCpu) {
    auto tree = view.address("irq_desc_tree");
    if (!tree) {
        if (auto sparse = view.address("sparse_irqs")) return readMapleIrqs(view, perCpu, *sparse);
        return tl::unexpected(tree.error());
    }
    auto layout = resolveLayout(view, true);
    if (!layout) return tl::unexpected(layout.error());
    auto head = view.memory().readU64(*tree + layout->xaHead);
    if (!head) return tl::unexpected(withContext(head.error(), "reading irq_desc_tree"));
    IrqTable out;
    IrqReader(view, perCpu, *layout, out).walk(*head, 0, 0);
    return out;
}

} // namespace panicscope::kernel
