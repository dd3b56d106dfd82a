#include "dump/kdump_layout.h"

#include "util/hex.h"

#include <algorithm>
#include <bit>

namespace panicscope::dump {
namespace {

// makedumpfile's disk_dump_header (x86-64 layout) and kdump_sub_header: the fields read here.
constexpr uint64_t kVersionOffset = 8, kStatusOffset = 424, kBlockSizeOffset = 428,
                   kSubHdrSizeOffset = 432, kBitmapBlocksOffset = 436, kMaxMapnrOffset = 440;
constexpr uint64_t kSubSplit = 12, kSubStartPfn = 16, kSubEndPfn = 24, kSubVmcoreinfo = 32,
                   kSubNote = 48, kSubStartPfn64 = 80, kSubEndPfn64 = 88, kSubMaxMapnr64 = 96,
                   kSubHeaderBytes = 104;
constexpr uint32_t kCompressionFlags = 0x1 | 0x2 | 0x4 | 0x20; // zlib, lzo, snappy, zstd

std::string truncated(const std::string& name, uint64_t need, uint64_t have) {
    return name + ": dump is truncated: it needs " + std::to_string(need) +
           " bytes but the file has " + std::to_string(have);
}

template <class T> bool readField(const ByteSource& file, uint64_t offset, T& out) {
    return file.readAt(offset, &out, sizeof out);
}

// An (offset, size) area the header names: inside the file and under `limit` bytes.
Result<void> checkArea(const ByteSource& file, const std::string& name, const char* what,
                       uint64_t offset, uint64_t size, uint64_t limit) {
    if (size > limit)
        return fail(Errc::Corrupt, name + ": kdump header: its " + what + " would be " +
                                       std::to_string(size) + " bytes, over the limit of " +
                                       std::to_string(limit));
    if (offset > file.size() || size > file.size() - offset)
        return fail(Errc::Truncated,
                    truncated(name, offset + size, file.size()) + " (its " + what + ")");
    return {};
}

Result<void> readSubHeader(const ByteSource& file, const std::string& name, KdumpLayout& l) {
    const uint64_t sub = l.blockSize;
    if (l.headerVersion < 1) return {};
    const uint64_t need = sub + (l.headerVersion >= 6 ? kSubHeaderBytes : kSubNote + 16);
    if (file.size() < need) return fail(Errc::Truncated, truncated(name, need, file.size()));
    int32_t split = 0;
    if (l.headerVersion >= 2 && readField(file, sub + kSubSplit, split) && split) {
        l.split = true;
        const bool wide = l.headerVersion >= 6;
        readField(file, sub + (wide ? kSubStartPfn64 : kSubStartPfn), l.startPfn);
        readField(file, sub + (wide ? kSubEndPfn64 : kSubEndPfn), l.endPfn);
        if (l.startPfn > l.endPfn)
            return fail(Errc::Corrupt, name + ": kdump split header: first page frame " +
                                           hex(l.startPfn) + " is above its last " + hex(l.endPfn));
    }
    if (l.headerVersion >= 6) readField(file, sub + kSubMaxMapnr64, l.maxPfn);
    if (l.headerVersion == 3) { // later versions carry VMCOREINFO among the notes
        uint64_t at = 0, size = 0;
        readField(file, sub + kSubVmcoreinfo, at);
        readField(file, sub + kSubVmcoreinfo + 8, size);
        if (auto r = checkArea(file, name, "VMCOREINFO", at, size, kMaxVmcoreinfoBytes); !r)
            return r;
    }
    if (l.headerVersion >= 4) {
        readField(file, sub + kSubNote, l.noteOffset);
        readField(file, sub + kSubNote + 8, l.noteBytes);
        if (auto r = checkArea(file, name, "notes", l.noteOffset, l.noteBytes, kMaxNoteBytes); !r)
            return r;
    }
    return {};
}

} // namespace

Result<KdumpLayout> readKdumpLayout(const ByteSource& file, const std::string& name) {
    KdumpLayout l;
    int32_t blockSize = 0, subHdrSize = 0;
    uint32_t bitmapBlocks = 0, maxMapnr = 0;
    if (!readField(file, kVersionOffset, l.headerVersion) ||
        !readField(file, kStatusOffset, l.status) ||
        !readField(file, kBlockSizeOffset, blockSize) ||
        !readField(file, kSubHdrSizeOffset, subHdrSize) ||
        !readField(file, kBitmapBlocksOffset, bitmapBlocks) ||
        !readField(file, kMaxMapnrOffset, maxMapnr))
        return fail(Errc::Truncated, truncated(name, kMaxMapnrOffset + 4, file.size()));
    if (uint64_t(blockSize) != kKdumpPageSize)
        return fail(Errc::Corrupt, name + ": kdump header: block size " +
                                       std::to_string(blockSize) +
                                       " is not the x86-64 page size 4096");
    if (l.headerVersion < 0 || subHdrSize < 0 || bitmapBlocks == 0 || bitmapBlocks % 2 != 0)
        return fail(Errc::Corrupt,
                    name + ": kdump header has an impossible version, sub-header or bitmap size");
    l.blockSize = kKdumpPageSize;
    l.maxPfn = maxMapnr;
    if (auto r = readSubHeader(file, name, l); !r) return tl::unexpected(r.error());

    // The bitmap must cover max_mapnr page frames twice (makedumpfile writes two bitmaps), and
    // be no larger than that: its size is what libkdumpfile reads and keeps.
    const uint64_t halfBytes = uint64_t(bitmapBlocks) * l.blockSize / 2;
    const uint64_t neededHalf = (l.maxPfn + 8 * l.blockSize - 1) / (8 * l.blockSize) * l.blockSize;
    if (l.maxPfn == 0 || l.maxPfn > kMaxPageFrames)
        return fail(Errc::Corrupt, name + ": kdump header: max_mapnr " + std::to_string(l.maxPfn) +
                                       " is no possible number of page frames");
    if (halfBytes != neededHalf)
        return fail(Errc::Corrupt, name + ": kdump header: a page bitmap of " +
                                       std::to_string(bitmapBlocks) + " blocks does not fit " +
                                       std::to_string(l.maxPfn) + " page frames (max_mapnr)");
    const uint64_t bitmapStart = (1 + uint64_t(subHdrSize)) * l.blockSize;
    l.bitmapOffset = bitmapStart + halfBytes;
    l.bitmapBytes = halfBytes;
    l.descriptorsOffset = bitmapStart + 2 * halfBytes;
    if (l.descriptorsOffset > file.size())
        return fail(Errc::Truncated, truncated(name, l.descriptorsOffset, file.size()));
    return l;
}

std::optional<std::string> pageDescriptorProblem(const PageDescriptor& d, uint64_t blockSize,
                                                 uint64_t fileSize) {
    if (d.offset < 0) return "data offset " + std::to_string(d.offset) + " is negative";
    const uint32_t compression = d.flags & kCompressionFlags;
    if (d.flags & ~kCompressionFlags || std::popcount(compression) > 1)
        return "unknown compression flags " + hex(d.flags);
    if (compression && (d.size == 0 || d.size > blockSize))
        return "compressed size " + std::to_string(d.size) + " is not within the block size " +
               std::to_string(blockSize);
    if (!compression && d.size != blockSize)
        return "uncompressed size " + std::to_string(d.size) + " is not the block size " +
               std::to_string(blockSize);
    if (uint64_t(d.offset) > fileSize || d.size > fileSize - uint64_t(d.offset))
        return "its data lies past the end of the file";
    return std::nullopt;
}

Result<KdumpPageIndex> KdumpPageIndex::build(const ByteSource& file, const KdumpLayout& layout,
                                             const std::string& name) {
    KdumpPageIndex index;
    index.layout_ = layout;
    const uint64_t bits = std::min(layout.maxPfn, layout.bitmapBytes * 8);
    index.firstPfn_ = layout.split ? std::min(layout.startPfn, bits) : 0;
    index.endPfn_ = layout.split ? std::min(layout.endPfn, bits) : bits;
    index.ranks_.assign(index.endPfn_ / kChunkBits + 2, 0);
    // Read in pieces of 1 MiB (a whole number of chunks), counting pages and runs.
    constexpr uint64_t kPieceBytes = 1 << 20;
    std::vector<uint8_t> piece(kPieceBytes);
    uint64_t count = 0;
    unsigned previous = 0; // the last bit of the byte before
    for (uint64_t at = 0; at * 8 < index.endPfn_; at += kPieceBytes) {
        const uint64_t n = std::min<uint64_t>(kPieceBytes, (index.endPfn_ + 7) / 8 - at);
        if (!file.readAt(layout.bitmapOffset + at, piece.data(), n))
            return fail(Errc::Io, name + ": cannot read the kdump page bitmap");
        for (uint64_t byte = 0; byte < n; ++byte) {
            const uint64_t pfn0 = (at + byte) * 8;
            if (pfn0 % kChunkBits == 0) index.ranks_[pfn0 / kChunkBits] = count;
            unsigned bits8 = piece[byte];
            if (pfn0 < index.firstPfn_ || pfn0 + 8 > index.endPfn_) // only this file's frames
                for (unsigned bit = 0; bit < 8; ++bit)
                    if (pfn0 + bit < index.firstPfn_ || pfn0 + bit >= index.endPfn_)
                        bits8 &= ~(1u << bit);
            count += unsigned(std::popcount(bits8));
            index.runs_ += unsigned(std::popcount(bits8 & ~((bits8 << 1) | previous) & 0xffu));
            previous = bits8 >> 7;
        }
    }
    for (uint64_t c = index.endPfn_ / kChunkBits + 1; c < index.ranks_.size(); ++c)
        index.ranks_[c] = count;
    return index;
}

std::optional<uint64_t> KdumpPageIndex::descriptorOffset(const ByteSource& file,
                                                         uint64_t pfn) const {
    if (pfn < firstPfn_ || pfn >= endPfn_) return std::nullopt;
    const uint64_t chunk = pfn / kChunkBits;
    const uint64_t from = chunk * kChunkBits;
    uint8_t bytes[kChunkBits / 8];
    if (!file.readAt(layout_.bitmapOffset + from / 8, bytes, (pfn - from) / 8 + 1))
        return std::nullopt;
    auto present = [&](uint64_t p) { return bytes[(p - from) / 8] >> ((p - from) % 8) & 1; };
    if (!present(pfn)) return std::nullopt;
    // The chunk's rank plus the frames present before pfn in it: odd bits one at a time, whole
    // bytes by popcount (a lookup per page read; bit by bit it showed in profiles).
    uint64_t rank = ranks_[chunk];
    uint64_t p = std::max(from, firstPfn_);
    for (; p < pfn && (p - from) % 8; ++p)
        rank += present(p);
    for (; p + 8 <= pfn; p += 8)
        rank += unsigned(std::popcount(bytes[(p - from) / 8]));
    for (; p < pfn; ++p)
        rank += present(p);
    return layout_.descriptorsOffset + rank * sizeof(PageDescriptor);
}

Result<void> KdumpPageIndex::checkDescriptor(const ByteSource& file, uint64_t pfn,
                                             uint64_t at) const {
    PageDescriptor d;
    if (!file.readAt(at, &d, sizeof d))
        return fail(Errc::NotInDump,
                    "the descriptor of page frame " + hex(pfn) + " lies past the end of the file");
    auto problem = pageDescriptorProblem(d, layout_.blockSize, file.size());
    if (!problem) return {};
    if (problem->ends_with("past the end of the file"))
        return fail(Errc::NotInDump, "page frame " + hex(pfn) + ": " + *problem);
    return fail(Errc::Corrupt, "page frame " + hex(pfn) + " has a corrupt page descriptor at " +
                                   "file offset " + std::to_string(at) + ": " + *problem);
}

Result<void> KdumpPageIndex::checkBufferSizes(const ByteSource& file,
                                              const std::string& name) const {
    const uint64_t end = std::min(descriptorsEnd(), file.size());
    constexpr uint64_t kPiece = 43690; // descriptors per read: ~1 MiB
    std::vector<PageDescriptor> piece(kPiece);
    uint64_t damaged = 0, first = 0;
    for (uint64_t at = layout_.descriptorsOffset; at + sizeof(PageDescriptor) <= end;) {
        const uint64_t n = std::min<uint64_t>(kPiece, (end - at) / sizeof(PageDescriptor));
        if (!file.readAt(at, piece.data(), n * sizeof(PageDescriptor)))
            return fail(Errc::Io, name + ": cannot read the kdump page descriptors");
        for (uint64_t i = 0; i < n; ++i) {
            const auto& d = piece[i];
            if ((d.flags & kCompressionFlags) && d.size > layout_.blockSize && !damaged++)
                first = at + i * sizeof(PageDescriptor);
        }
        at += n * sizeof(PageDescriptor);
    }
    if (!damaged) return {};
    PageDescriptor d;
    file.readAt(first, &d, sizeof d);
    return fail(Errc::Corrupt,
                name + ": " + std::to_string(damaged) +
                    " kdump page descriptor(s) are corrupt, the first at file offset " +
                    std::to_string(first) + ": compressed size " + std::to_string(d.size) +
                    " is larger than a page (" + std::to_string(layout_.blockSize) +
                    " bytes); libkdumpfile cannot read this dump safely");
}

} // namespace panicscope::dump
