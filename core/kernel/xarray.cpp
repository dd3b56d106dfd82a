#include "kernel/xarray.h"

#include "util/hex.h"

#include <unordered_set>

namespace panicscope::kernel {
namespace {

constexpr uint64_t kNodeTag = 2;   // xa_mk_node(): a node pointer carries 2 in its low bits
constexpr unsigned kLevelBits = 6; // XA_CHUNK_SHIFT: 64 slots a node
constexpr unsigned kMaxShift = 60; // an index has 64 bits: shifts 0, 6, ..., 60
constexpr int kAnyShift = -1;      // the head's node: any valid shift
constexpr int kNoNode = -2;        // the slots of a bottom node hold entries only

bool isNode(uint64_t entry) {
    return (entry & 3) == kNodeTag && entry > 4096;
}

class XarrayWalker {
  public:
    XarrayWalker(const dump::Memory& memory, const XarrayLayout& layout, size_t maxEntries,
                 XarrayWalk& out)
        : mem_(memory), l_(layout), maxEntries_(maxEntries), out_(out) {}

    // The entry found in a slot (or the head) whose first index is `base`; a node's shift must
    // be `expectedShift` (kAnyShift, kNoNode).
    void visit(uint64_t entry, uint64_t base, int expectedShift) {
        if (!entry || full()) return;
        if (!isNode(entry)) {
            if ((entry & 3) == 0) out_.entries.push_back({base, entry});
            return;
        }
        const uint64_t node = entry - kNodeTag;
        if (expectedShift == kNoNode)
            return problem("xa_node " + hex(node) + " hangs below the bottom level");
        if (!visited_.insert(node).second)
            return problem("xa_node " + hex(node) + " is reached twice (a loop)");
        // Every real node holds an entry: more nodes than entries allowed is a damaged array.
        if (visited_.size() > maxEntries_) {
            stopped_ = true;
            return problem("more than " + std::to_string(maxEntries_) + " xa_nodes");
        }
        auto shift = mem_.readValue<uint8_t>(node + l_.shift);
        if (!shift) return problem("xa_node " + hex(node) + ": " + shift.error().message);
        const bool valid = *shift <= kMaxShift && *shift % kLevelBits == 0 &&
                           (expectedShift == kAnyShift || *shift == expectedShift);
        if (!valid)
            return problem("xa_node " + hex(node) + " has shift " + std::to_string(*shift) +
                           (expectedShift == kAnyShift ? std::string()
                                                       : ", not " + std::to_string(expectedShift)));
        std::vector<uint64_t> slots(l_.slotCount);
        if (auto r = mem_.read(node + l_.slots, std::as_writable_bytes(std::span(slots))); !r)
            return problem("xa_node " + hex(node) + ": " + r.error().message);
        for (uint64_t i = 0; i < slots.size(); ++i)
            visit(slots[i], base + (i << *shift),
                  *shift == 0 ? kNoNode : static_cast<int>(*shift - kLevelBits));
    }

  private:
    bool full() const { return stopped_ || out_.entries.size() >= maxEntries_; }
    void problem(std::string text) { out_.problems.push_back(std::move(text)); }

    const dump::Memory& mem_;
    const XarrayLayout& l_;
    size_t maxEntries_;
    XarrayWalk& out_;
    std::unordered_set<uint64_t> visited_;
    bool stopped_ = false;
};

} // namespace

Result<XarrayLayout> resolveXarrayLayout(const symbols::Layouts& layouts) {
    XarrayLayout l;
    auto head = layouts.member("xarray", "xa_head");
    if (!head) return tl::unexpected(head.error());
    auto shift = layouts.member("xa_node", "shift");
    if (!shift) return tl::unexpected(shift.error());
    auto slots = layouts.member("xa_node", "slots");
    if (!slots) return tl::unexpected(slots.error());
    if (slots->size == 0 || slots->size % 8 != 0 || slots->size > 8 * 256)
        return fail(Errc::NoType,
                    "xa_node.slots has an unexpected size " + std::to_string(slots->size));
    l.head = head->offset;
    l.shift = shift->offset;
    l.slots = slots->offset;
    l.slotCount = slots->size / 8;
    return l;
}

XarrayWalk walkXarray(const dump::Memory& memory, const XarrayLayout& layout, uint64_t xarray,
                      size_t maxEntries) {
    XarrayWalk out;
    auto head = memory.readU64(xarray + layout.head);
    if (!head) {
        out.problems.push_back("xarray at " + hex(xarray) + ": " + head.error().message);
        return out;
    }
    XarrayWalker(memory, layout, maxEntries, out).visit(*head, 0, kAnyShift);
    return out;
}

} // namespace panicscope::kernel
