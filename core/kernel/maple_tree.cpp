#include "kernel/maple_tree.h"

#include "util/hex.h"

#include <cstring>
#include <unordered_set>

namespace panicscope::kernel {
namespace {

// The encoding of node pointers (lib/maple_tree.c), macros that debug info does not carry.
constexpr uint64_t kNodeMask = 255;       // MAPLE_NODE_MASK: nodes are 256-byte aligned
constexpr unsigned kTypeShift = 3;        // MAPLE_NODE_TYPE_SHIFT
constexpr uint64_t kTypeMask = 0xf;       // MAPLE_NODE_TYPE_MASK
constexpr uint64_t kReservedRange = 4096; // MAPLE_RESERVED_RANGE: internal entries below it
constexpr int kMaxHeight = 31;            // MAPLE_HEIGHT_MAX
constexpr uint64_t kMaxNodeSize = 4096;   // sizeof(struct maple_node) is 256; a bound for a bad one
constexpr size_t kMaxNodes = 1u << 20;    // a bound on the reads of a corrupt (not looping) tree

bool isInternal(uint64_t entry) {
    return (entry & 3) == 2;
}

// The format of the node kind `kind`, the member `inNode` of struct maple_node (or, with an
// empty `inNode`, maple_node itself: a dense node).
Result<MapleNodeFormat> nodeFormat(const symbols::Layouts& layouts, std::string_view kind,
                                   std::string_view inNode, bool hasPivots) {
    auto outer = inNode.empty() ? Result<symbols::Member>(symbols::Member{})
                                : layouts.member("maple_node", inNode);
    if (!outer) return tl::unexpected(outer.error());
    MapleNodeFormat f;
    if (hasPivots) {
        auto pivots = layouts.member(kind, "pivot");
        if (!pivots) return tl::unexpected(pivots.error());
        f.pivots = outer->offset + pivots->offset;
        f.pivotCount = pivots->size / 8;
        auto meta = layouts.member(kind, "meta");
        auto end = layouts.member("maple_metadata", "end");
        if (!meta) return tl::unexpected(meta.error());
        if (!end) return tl::unexpected(end.error());
        f.metaEnd = outer->offset + meta->offset + end->offset;
    }
    auto slots = layouts.member(kind, "slot");
    if (!slots) return tl::unexpected(slots.error());
    f.slots = outer->offset + slots->offset;
    f.slotCount = slots->size / 8;
    return f;
}

class MapleWalker {
  public:
    MapleWalker(const dump::Memory& memory, const MapleTreeLayout& l, size_t maxEntries,
                MapleWalk& out)
        : mem_(memory), l_(l), maxEntries_(maxEntries), out_(out) {}

    // The subtree under the encoded node pointer `enode`, which covers indices min..max.
    void node(uint64_t enode, uint64_t min, uint64_t max, int depth) {
        const uint64_t address = enode & ~kNodeMask;
        const int64_t type = static_cast<int64_t>((enode >> kTypeShift) & kTypeMask);
        if (truncated_) return;
        if (depth > kMaxHeight)
            return problem("maple node " + hex(address) + " is deeper than " +
                           std::to_string(kMaxHeight) + " levels");
        if (!visited_.insert(address).second)
            return problem("maple tree loops at node " + hex(address));
        if (visited_.size() > kMaxNodes) {
            truncated_ = true;
            return problem("maple tree has more than " + std::to_string(kMaxNodes) + " nodes");
        }
        std::vector<std::byte> bytes(l_.nodeSize);
        if (auto r = mem_.read(address, bytes); !r)
            return problem("maple node " + hex(address) + ": " + r.error().message);
        if (type == l_.typeDense) return dense(bytes, min, max);
        if (type == l_.typeLeaf64 || type == l_.typeRange64)
            return ranges(address, bytes, l_.range64, false, type == l_.typeLeaf64, min, max,
                          depth);
        if (type == l_.typeArange64)
            return ranges(address, bytes, l_.arange64, true, false, min, max, depth);
        problem("maple node " + hex(address) + " has the unknown type " + std::to_string(type));
    }

  private:
    static uint64_t word(const std::vector<std::byte>& bytes, uint64_t offset) {
        uint64_t v = 0;
        std::memcpy(&v, bytes.data() + offset, sizeof v);
        return v;
    }

    void dense(const std::vector<std::byte>& bytes, uint64_t min, uint64_t max) {
        for (uint64_t i = 0; i < l_.dense.slotCount && i <= max - min && !truncated_; ++i)
            entry(min + i, min + i, word(bytes, l_.dense.slots + 8 * i));
    }

    // The last slot in use (ma_data_end()): a full node has no metadata, the others say.
    uint64_t dataEnd(const std::vector<std::byte>& bytes, const MapleNodeFormat& f, bool arange,
                     uint64_t max) const {
        const auto meta = static_cast<uint64_t>(bytes[f.metaEnd]);
        if (arange || f.pivotCount == 0) return meta;
        const uint64_t lastPivot = word(bytes, f.pivots + 8 * (f.pivotCount - 1));
        if (lastPivot == 0) return meta;
        return lastPivot == max ? f.pivotCount - 1 : f.pivotCount;
    }

    // A leaf_64, range_64 or arange_64 node: slot i covers the indices after pivot i-1 up to
    // pivot i; the last slot in use goes up to the node's own maximum.
    void ranges(uint64_t address, const std::vector<std::byte>& bytes, const MapleNodeFormat& f,
                bool arange, bool leaf, uint64_t min, uint64_t max, int depth) {
        const uint64_t end = dataEnd(bytes, f, arange, max);
        if (end >= f.slotCount)
            return problem("maple node " + hex(address) + ": its data ends at slot " +
                           std::to_string(end) + " of " + std::to_string(f.slotCount));
        uint64_t lo = min;
        for (uint64_t i = 0; i <= end && !truncated_; ++i) {
            const uint64_t pivot = i < f.pivotCount ? word(bytes, f.pivots + 8 * i) : 0;
            // i < end implies i < pivotCount. The last slot's pivot is the node's maximum
            // (kernels before 6.6 may leave it 0) or, in a full node, absent.
            const uint64_t hi = i < end ? pivot : (pivot != 0 ? pivot : max);
            if (hi < lo || hi > max)
                return problem("maple node " + hex(address) + ": pivot " + std::to_string(i) +
                               " (" + hex(hi) + ") is outside " + hex(lo) + ".." + hex(max));
            const uint64_t slot = word(bytes, f.slots + 8 * i);
            if (leaf)
                entry(lo, hi, slot);
            else if (slot)
                node(slot, lo, hi, depth + 1);
            if (hi == max) break;
            lo = hi + 1;
        }
    }

    void entry(uint64_t first, uint64_t last, uint64_t value) {
        if (!value || (value < kReservedRange && isInternal(value)) || truncated_) return;
        if (out_.entries.size() >= maxEntries_) {
            truncated_ = true;
            return problem("maple tree has more than " + std::to_string(maxEntries_) + " entries");
        }
        out_.entries.push_back({first, last, value});
    }

    void problem(std::string text) { out_.problems.push_back(std::move(text)); }

    const dump::Memory& mem_;
    const MapleTreeLayout& l_;
    size_t maxEntries_;
    MapleWalk& out_;
    std::unordered_set<uint64_t> visited_;
    bool truncated_ = false;
};

} // namespace

Result<MapleTreeLayout> resolveMapleTreeLayout(const symbols::Layouts& layouts) {
    MapleTreeLayout l;
    auto root = layouts.member("maple_tree", "ma_root");
    if (!root) return tl::unexpected(root.error());
    l.root = root->offset;
    auto size = layouts.sizeOf("maple_node");
    if (!size) return tl::unexpected(size.error());
    if (*size < 16 || *size > kMaxNodeSize)
        return fail(Errc::Unsupported,
                    "struct maple_node has an odd size: " + std::to_string(*size));
    l.nodeSize = *size;
    auto dense = nodeFormat(layouts, "maple_node", "", false);
    auto range64 = nodeFormat(layouts, "maple_range_64", "mr64", true);
    auto arange64 = nodeFormat(layouts, "maple_arange_64", "ma64", true);
    for (const auto* f : {&dense, &range64, &arange64}) {
        if (!*f) return tl::unexpected(f->error());
        const MapleNodeFormat& g = **f;
        if (g.slotCount == 0 || g.slots + 8 * g.slotCount > l.nodeSize ||
            g.pivots + 8 * g.pivotCount > l.nodeSize || g.metaEnd >= l.nodeSize)
            return fail(Errc::Unsupported,
                        "the maple node layout does not fit in struct maple_node");
    }
    l.dense = *dense, l.range64 = *range64, l.arange64 = *arange64;
    int64_t* types[] = {&l.typeDense, &l.typeLeaf64, &l.typeRange64, &l.typeArange64};
    const char* names[] = {"maple_dense", "maple_leaf_64", "maple_range_64", "maple_arange_64"};
    for (size_t i = 0; i < 4; ++i) {
        auto value = layouts.enumerator(names[i]);
        if (!value) return tl::unexpected(value.error());
        *types[i] = *value;
    }
    return l;
}

MapleWalk walkMapleTree(const dump::Memory& memory, const MapleTreeLayout& layout, uint64_t tree,
                        size_t maxEntries) {
    MapleWalk out;
    auto root = memory.readU64(tree + layout.root);
    if (!root) {
        out.problems.push_back("maple tree at " + hex(tree) + ": " + root.error().message);
        return out;
    }
    MapleWalker walker(memory, layout, maxEntries, out);
    if (isInternal(*root) && *root > kReservedRange) // xa_is_node(): the root is a node
        walker.node(*root, 0, UINT64_MAX, 0);
    else if (*root && !isInternal(*root) && maxEntries > 0) // a lone entry at index 0
        out.entries.push_back({0, 0, *root});
    return out;
}

} // namespace panicscope::kernel
