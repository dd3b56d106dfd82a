#include "kernel/printk_log.h"

#include "util/hex.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

namespace panicscope::kernel {
namespace {

// kernel/printk/printk_ringbuffer.h: the top two bits of state_var are the state, the rest the id.
constexpr uint64_t kStateShift = 62;
constexpr uint64_t kIdMask = (uint64_t(1) << kStateShift) - 1;
constexpr uint64_t kStateCommitted = 1, kStateFinalized = 2;
constexpr uint64_t kMaxCountBits = 24; // 16M descriptors: far above any real log_buf_len
constexpr uint32_t kMaxSizeBits = 31;  // LOG_BUF_LEN_MAX: log_buf_len= takes at most 2 GiB

struct Offsets {
    uint64_t countBits, descs, infos, headId, tailId;            // prb_desc_ring in prb
    uint64_t sizeBits, data;                                     // prb_data_ring in prb
    uint64_t descSize, stateVar, lposBegin, lposNext;            // struct prb_desc
    uint64_t infoSize, seq, tsNsec, textLen, facility, callerId; // struct printk_info
    uint64_t flagsLevelByte; // byte holding the flags:5 level:3 bitfield (after facility)
};

Result<Offsets> resolve(const KernelView& v) {
    Offsets o{};
    auto off = [&](std::string_view s, std::string_view m, uint64_t& dst) {
        return v.memberOffset(s, m, dst);
    };
    auto size = [&](std::string_view s, uint64_t& dst) -> Result<void> {
        auto r = v.layouts().sizeOf(s);
        if (!r) return tl::unexpected(r.error());
        dst = *r;
        return {};
    };
    for (auto r :
         {off("printk_ringbuffer", "desc_ring.count_bits", o.countBits),
          off("printk_ringbuffer", "desc_ring.descs", o.descs),
          off("printk_ringbuffer", "desc_ring.infos", o.infos),
          off("printk_ringbuffer", "desc_ring.head_id", o.headId),
          off("printk_ringbuffer", "desc_ring.tail_id", o.tailId),
          off("printk_ringbuffer", "text_data_ring.size_bits", o.sizeBits),
          off("printk_ringbuffer", "text_data_ring.data", o.data), size("prb_desc", o.descSize),
          off("prb_desc", "state_var", o.stateVar),
          off("prb_desc", "text_blk_lpos.begin", o.lposBegin),
          off("prb_desc", "text_blk_lpos.next", o.lposNext), size("printk_info", o.infoSize),
          off("printk_info", "seq", o.seq), off("printk_info", "ts_nsec", o.tsNsec),
          off("printk_info", "text_len", o.textLen), off("printk_info", "facility", o.facility),
          off("printk_info", "caller_id", o.callerId)})
        if (!r) return tl::unexpected(r.error());
    o.flagsLevelByte = o.facility + 1;
    return o;
}

template <class T> T at(const std::vector<std::byte>& buf, uint64_t offset) {
    T v{};
    if (offset + sizeof(T) <= buf.size()) std::memcpy(&v, buf.data() + offset, sizeof(T));
    return v;
}

// The ring as read from the dump: its descriptor and info arrays, and its text ring whole or (for
// a few records) read block by block from `dataAddress`.
struct Ring {
    uint64_t count = 0;    // descriptors (a power of two)
    uint64_t dataSize = 0; // bytes of text ring (a power of two)
    uint64_t tailId = 0, headId = 0;
    // The descriptors and infos read: `entries` of them from index `first` on (wrapping).
    uint64_t first = 0, entries = 0;
    std::vector<std::byte> descs, infos, text;
    const dump::Memory* memory = nullptr; // set when `text` was not read whole
    uint64_t dataAddress = 0;
};

// A field of the descriptor (or info) at `index`, zero when it was not read.
template <class T>
T field(const Ring& ring, const std::vector<std::byte>& array, uint64_t entrySize, uint64_t index,
        uint64_t offset) {
    const uint64_t local = (index - ring.first) & (ring.count - 1);
    if (local >= ring.entries) return T{};
    return at<T>(array, local * entrySize + offset);
}

// Appends `size` bytes at `address` to `out` a MiB at a time: the sizes come from the ring's
// header, and a damaged one must cost memory only for what the dump really holds (the first
// read that fails ends it), never a zero-filled buffer of the declared size.
Result<void> appendRead(const dump::Memory& mem, uint64_t address, uint64_t size,
                        std::vector<std::byte>& out) {
    constexpr uint64_t kChunk = uint64_t(1) << 20;
    for (uint64_t done = 0; done < size;) {
        const uint64_t n = std::min(kChunk, size - done);
        const size_t at = out.size();
        out.resize(at + n);
        if (auto r = mem.read(address + done, std::span(out).subspan(at, n)); !r) return r;
        done += n;
    }
    return {};
}

// `entries` entries of `size` bytes from index `first` of the array at `base` (wrapping).
Result<void> readEntries(const dump::Memory& mem, uint64_t base, uint64_t size, const Ring& ring,
                         std::vector<std::byte>& out) {
    out.clear();
    const uint64_t firstRun = std::min(ring.entries, ring.count - ring.first);
    if (auto r = appendRead(mem, base + ring.first * size, firstRun * size, out); !r) return r;
    if (firstRun < ring.entries)
        return appendRead(mem, base, (ring.entries - firstRun) * size, out);
    return {};
}

// `newest`: read only that many descriptors before the head, and no text ring (each record's
// text is read on its own); nullopt: everything.
Result<Ring> readRing(const dump::Memory& mem, uint64_t prb, const Offsets& o,
                      std::optional<uint64_t> newest) {
    auto countBits = mem.readU32(prb + o.countBits);
    auto descs = mem.readU64(prb + o.descs);
    auto infos = mem.readU64(prb + o.infos);
    auto headId = mem.readU64(prb + o.headId);
    auto tailId = mem.readU64(prb + o.tailId);
    auto sizeBits = mem.readU32(prb + o.sizeBits);
    auto data = mem.readU64(prb + o.data);
    for (const Result<uint64_t>* r : {&descs, &infos, &headId, &tailId, &data})
        if (!*r) return tl::unexpected(withContext(r->error(), "reading the printk ring"));
    for (const Result<uint32_t>* r : {&countBits, &sizeBits})
        if (!*r) return tl::unexpected(withContext(r->error(), "reading the printk ring"));
    if (*countBits > kMaxCountBits || *sizeBits > kMaxSizeBits)
        return fail(Errc::Corrupt, "printk ring has impossible sizes (count_bits " +
                                       std::to_string(*countBits) + ", size_bits " +
                                       std::to_string(*sizeBits) + ")");

    Ring ring;
    ring.count = uint64_t(1) << *countBits;
    ring.dataSize = uint64_t(1) << *sizeBits;
    ring.tailId = *tailId;
    ring.headId = *headId;
    // The descriptor and info arrays (count * ~100 bytes): each read at once.
    ring.entries = newest ? std::min(*newest, ring.count) : ring.count;
    ring.first = newest ? ((*headId & kIdMask) - ring.entries + 1) & (ring.count - 1) : 0;
    if (auto r = readEntries(mem, *descs, o.descSize, ring, ring.descs); !r)
        return tl::unexpected(withContext(r.error(), "reading printk descriptors"));
    if (auto r = readEntries(mem, *infos, o.infoSize, ring, ring.infos); !r)
        return tl::unexpected(withContext(r.error(), "reading printk infos"));
    if (newest) {
        ring.memory = &mem;
        ring.dataAddress = *data;
        return ring;
    }
    if (auto r = appendRead(mem, *data, ring.dataSize, ring.text); !r)
        return tl::unexpected(withContext(r.error(), "reading the printk text ring"));
    return ring;
}

// Where a record's text lies in the text ring, as the kernel's get_data() finds it: a block in
// one wrap lies at begin; a block that would cross the end of the ring is stored whole at its
// start. nullopt when the positions make no such block.
struct TextBlock {
    uint64_t start, size; // size includes the leading 8-byte id
};
std::optional<TextBlock> textBlock(uint64_t begin, uint64_t next, uint64_t dataSize) {
    const uint64_t beginWrap = begin / dataSize, nextWrap = next / dataSize;
    std::optional<TextBlock> block;
    if (beginWrap == nextWrap && begin < next)
        block = TextBlock{begin % dataSize, next - begin};
    else if (beginWrap + 1 == nextWrap)
        block = TextBlock{0, next % dataSize};
    if (!block || block->size <= sizeof(uint64_t) || block->start + block->size > dataSize)
        return std::nullopt;
    return block;
}

// The record of the descriptor at `index` (whose state the caller checked) with its text.
LogRecord readRecord(const Ring& ring, const Offsets& o, uint64_t index,
                     std::vector<std::string>& warnings) {
    auto info = [&]<class T>(uint64_t offset, T) {
        return field<T>(ring, ring.infos, o.infoSize, index, offset);
    };
    LogRecord rec;
    rec.seq = info(o.seq, uint64_t{});
    rec.timestampNs = info(o.tsNsec, uint64_t{});
    rec.facility = info(o.facility, uint8_t{});
    rec.level = info(o.flagsLevelByte, uint8_t{}) >> 5;
    rec.callerId = info(o.callerId, uint32_t{});
    const uint16_t textLen = info(o.textLen, uint16_t{});
    const auto begin = field<uint64_t>(ring, ring.descs, o.descSize, index, o.lposBegin);
    const auto next = field<uint64_t>(ring, ring.descs, o.descSize, index, o.lposNext);
    // Data-less records (lpos with the low bit set) carry no text.
    if ((begin & 1) == 0 && textLen > 0) {
        if (auto block = textBlock(begin, next, ring.dataSize)) {
            const uint64_t length = std::min<uint64_t>(textLen, block->size - 8);
            if (!ring.memory) {
                rec.text.assign(reinterpret_cast<const char*>(ring.text.data()) + block->start + 8,
                                length);
            } else {
                rec.text.resize(length);
                auto bytes = std::as_writable_bytes(std::span(rec.text));
                if (auto r = ring.memory->read(ring.dataAddress + block->start + 8, bytes); !r) {
                    rec.text.clear();
                    warnings.push_back("printk record " + std::to_string(rec.seq) + ": " +
                                       r.error().message);
                }
            }
        } else {
            warnings.push_back("printk record " + std::to_string(rec.seq) +
                               " has an invalid text block");
        }
    }
    while (!rec.text.empty() && rec.text.back() == '\n')
        rec.text.pop_back();
    return rec;
}

} // namespace

Result<KernelLog> readKernelLog(const KernelView& view) {
    auto o = resolve(view);
    if (!o) return tl::unexpected(o.error());
    auto prb = view.readGlobal("prb");
    if (!prb) return tl::unexpected(withContext(prb.error(), "reading the printk ring 'prb'"));
    auto ring = readRing(view.memory(), *prb, *o, std::nullopt);
    if (!ring) return tl::unexpected(ring.error());

    // Every committed or finalized descriptor from the tail to the head.
    KernelLog log;
    uint64_t id = ring->tailId & kIdMask;
    const uint64_t head = ring->headId & kIdMask;
    for (uint64_t n = 0; n < ring->count; ++n, id = (id + 1) & kIdMask) {
        const uint64_t index = id & (ring->count - 1);
        const uint64_t stateVar =
            field<uint64_t>(*ring, ring->descs, o->descSize, index, o->stateVar);
        const uint64_t state = stateVar >> kStateShift;
        if ((stateVar & kIdMask) == id && (state == kStateCommitted || state == kStateFinalized))
            log.records.push_back(readRecord(*ring, *o, index, log.warnings));
        if (id == head) break;
    }
    std::sort(log.records.begin(), log.records.end(),
              [](const LogRecord& a, const LogRecord& b) { return a.seq < b.seq; });
    return log;
}

Result<KernelLogTail> readKernelLogTail(const KernelView& view, size_t maxRecords) {
    auto o = resolve(view);
    if (!o) return tl::unexpected(o.error());
    auto prb = view.readGlobal("prb");
    if (!prb) return tl::unexpected(withContext(prb.error(), "reading the printk ring 'prb'"));
    // Room for descriptors that hold no record (reserved, reused) among the newest.
    auto ring = readRing(view.memory(), *prb, *o, 2 * maxRecords);
    if (!ring) return tl::unexpected(ring.error());

    // Descriptor ids count up from the tail to the head: walk back from the head, within the
    // descriptors read.
    KernelLogTail tail;
    const uint64_t first = ring->tailId & kIdMask;
    uint64_t id = ring->headId & kIdMask;
    for (uint64_t n = 0; n < ring->entries && tail.log.records.size() < maxRecords;
         ++n, id = (id - 1) & kIdMask) {
        const uint64_t index = id & (ring->count - 1);
        const uint64_t stateVar =
            field<uint64_t>(*ring, ring->descs, o->descSize, index, o->stateVar);
        const uint64_t state = stateVar >> kStateShift;
        if ((stateVar & kIdMask) == id && (state == kStateCommitted || state == kStateFinalized))
            tail.log.records.push_back(readRecord(*ring, *o, index, tail.log.warnings));
        if (id == first) {
            tail.whole = true;
            break;
        }
    }
    std::sort(tail.log.records.begin(), tail.log.records.end(),
              [](const LogRecord& a, const LogRecord& b) { return a.seq < b.seq; });
    return tail;
}

std::vector<std::string> formatLogLines(const LogRecord& record) {
    char prefix[48];
    std::snprintf(prefix, sizeof prefix, "[%5llu.%06llu] ",
                  static_cast<unsigned long long>(record.timestampNs / 1000000000),
                  static_cast<unsigned long long>(record.timestampNs % 1000000000 / 1000));
    std::vector<std::string> lines;
    size_t start = 0;
    do {
        size_t eol = record.text.find('\n', start);
        lines.push_back(prefix + record.text.substr(start, eol == std::string::npos
                                                               ? std::string::npos
                                                               : eol - start));
        start = eol == std::string::npos ? std::string::npos : eol + 1;
    } while (start != std::string::npos);
    return lines;
}

} // namespace panicscope::kernel
