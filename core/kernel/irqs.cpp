#include "kernel/irqs.h"

#include "kernel/maple_tree.h"
#include "kernel/xarray.h"
#include "util/hex.h"

namespace panicscope::kernel {
namespace {

constexpr size_t kMaxIrqs = 1u << 16; // far above any NR_IRQS; a bound for a corrupt tree
constexpr size_t kMaxActions = 64;    // sharers of one line

struct IrqLayout {
    uint64_t kstat, action, actionName, actionHandler, actionNext;
};

Result<IrqLayout> resolveLayout(const KernelView& view) {
    IrqLayout l{};
    auto get = [&](std::string_view s, std::string_view m, uint64_t& off,
                   uint64_t* size = nullptr) { return view.memberOffset(s, m, off, size); };
    for (auto r :
         {get("irq_desc", "kstat_irqs", l.kstat), get("irq_desc", "action", l.action),
          get("irqaction", "name", l.actionName), get("irqaction", "handler", l.actionHandler),
          get("irqaction", "next", l.actionNext)})
        if (!r) return tl::unexpected(r.error());
    return l;
}

class IrqReader {
  public:
    IrqReader(const KernelView& view, const PerCpu& perCpu, const IrqLayout& l, IrqTable& out)
        : mem_(view.memory()), perCpu_(perCpu), l_(l), out_(out) {}

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
    const dump::Memory& mem_;
    const PerCpu& perCpu_;
    const IrqLayout& l_;
    IrqTable& out_;
};

// 6.5+: sparse_irqs, a maple tree from IRQ number to irq_desc, one index per entry.
Result<IrqTable> readMapleIrqs(const KernelView& view, const PerCpu& perCpu, uint64_t tree) {
    auto maple = resolveMapleTreeLayout(view.layouts());
    if (!maple) return tl::unexpected(withContext(maple.error(), "reading sparse_irqs"));
    auto layout = resolveLayout(view);
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
    auto xarray = resolveXarrayLayout(view.layouts());
    if (!xarray) return tl::unexpected(withContext(xarray.error(), "reading irq_desc_tree"));
    auto layout = resolveLayout(view);
    if (!layout) return tl::unexpected(layout.error());
    if (auto head = view.memory().readU64(*tree + xarray->head); !head)
        return tl::unexpected(withContext(head.error(), "reading irq_desc_tree"));
    const XarrayWalk walk = walkXarray(view.memory(), *xarray, *tree, kMaxIrqs);
    IrqTable out;
    IrqReader reader(view, perCpu, *layout, out);
    for (const std::string& problem : walk.problems)
        reader.warn("irq_desc_tree: " + problem);
    for (const XarrayEntry& e : walk.entries)
        reader.desc(e.index, e.value);
    return out;
}

} // namespace panicscope::kernel
