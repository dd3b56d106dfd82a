// The layout of a kdump-compressed file (makedumpfile's diskdump format) as libkdumpfile will
// read it, checked before libkdumpfile sees the file: every size and offset bounded by the file,
// the page bitmap bounded by max_mapnr, and each page descriptor checked before its page is read
// (libkdumpfile 0.5.1 copies a descriptor's `size` bytes into a page-sized buffer unchecked).
// Everything reads through a ByteSource, so a fuzz target can call it on bytes in memory.
#pragma once

#include "dump/byte_source.h"
#include "util/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace panicscope::dump {

// Bounds on what a header may declare (sane for any x86-64 machine, far above real dumps).
inline constexpr uint64_t kKdumpPageSize = 4096;       // x86-64 pages; block_size must equal it
inline constexpr uint64_t kMaxPageFrames = 1ull << 40; // 52-bit physical addresses
inline constexpr uint64_t kMaxNoteBytes = 64ull << 20; // ELF notes: ~400 bytes per CPU
inline constexpr uint64_t kMaxVmcoreinfoBytes = 1ull << 20;

struct KdumpLayout {
    int32_t headerVersion = 0;
    uint32_t status = 0;
    uint64_t blockSize = 0;
    uint64_t maxPfn = 0; // max_mapnr (max_mapnr_64 from header version 6)
    // The bitmap of the pages that have a descriptor (the second of the two makedumpfile
    // writes), its first bit page frame 0.
    uint64_t bitmapOffset = 0, bitmapBytes = 0;
    uint64_t descriptorsOffset = 0;
    // A part of a --split set holds descriptors for page frames [startPfn, endPfn) only.
    bool split = false;
    uint64_t startPfn = 0, endPfn = 0;
    uint64_t noteOffset = 0, noteBytes = 0; // header version 4 and later; 0 when absent
};

// Errc::Truncated naming the size the file needs when the headers or bitmap are cut, else
// Errc::Corrupt naming the field that is impossible.
Result<KdumpLayout> readKdumpLayout(const ByteSource& file, const std::string& name);

struct PageDescriptor { // struct page_desc
    int64_t offset;
    uint32_t size;
    uint32_t flags;
    uint64_t pageFlags;
};
static_assert(sizeof(PageDescriptor) == 24);

// What is wrong with a descriptor in a file of `fileSize` bytes (size over the block size or
// zero, an unknown compression flag, data outside the file), or nullopt when it is sound.
std::optional<std::string> pageDescriptorProblem(const PageDescriptor& d, uint64_t blockSize,
                                                 uint64_t fileSize);

// Where each page frame's descriptor lies: the bitmap's population counted per chunk once, so
// finding a descriptor costs one small read of the bitmap.
class KdumpPageIndex {
  public:
    // Reads the whole bitmap in bounded pieces (memory: 1/64 of the bitmap).
    static Result<KdumpPageIndex> build(const ByteSource& file, const KdumpLayout& layout,
                                        const std::string& name);
    uint64_t pageCount() const { return ranks_.empty() ? 0 : ranks_.back(); }
    // Runs of consecutive present pages: libkdumpfile keeps one record per run.
    uint64_t runCount() const { return runs_; }
    uint64_t descriptorsEnd() const { return layout_.descriptorsOffset + pageCount() * 24; }
    // The file offset of a page frame's descriptor; nullopt when the file has none for it.
    std::optional<uint64_t> descriptorOffset(const ByteSource& file, uint64_t pfn) const;
    // Errc::Corrupt when the page frame's descriptor, at `at` (descriptorOffset's answer), is
    // unsound; Errc::NotInDump when it or its data lies past the end of the file.
    Result<void> checkDescriptor(const ByteSource& file, uint64_t pfn, uint64_t at) const;
    // Errc::Corrupt naming the first descriptor libkdumpfile 0.5.1 cannot read without
    // overflowing its page buffer (compressed size over the block size), and how many there
    // are. libkdumpfile reads some pages on its own, past any check of ours, so such a file
    // is refused whole. Reads the descriptor table in bounded pieces, up to the end of the file.
    Result<void> checkBufferSizes(const ByteSource& file, const std::string& name) const;

  private:
    static constexpr uint64_t kChunkBits = 4096;
    KdumpLayout layout_;
    uint64_t firstPfn_ = 0, endPfn_ = 0; // the frames this file has descriptors for
    std::vector<uint64_t> ranks_; // present pages in [firstPfn_, chunk start), per chunk (+ total)
    uint64_t runs_ = 0;
};

} // namespace panicscope::dump
