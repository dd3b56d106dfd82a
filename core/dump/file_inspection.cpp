#include "dump/file_inspection.h"

#include "dump/raw_file.h"
#include "util/file_magic.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <elf.h>
#include <vector>

namespace panicscope::dump {
namespace {

std::string truncatedMessage(const std::string& path, uint64_t need, uint64_t have) {
    return path + ": dump is truncated: it needs " + std::to_string(need) +
           " bytes but the file has " + std::to_string(have);
}

Result<DumpFileFacts> inspectElf(const RawFile& file, const std::string& path, uint64_t fileSize) {
    Elf64_Ehdr eh;
    if (!file.readAt(0, &eh, sizeof eh))
        return fail(Errc::Truncated, truncatedMessage(path, sizeof eh, fileSize));
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64)
        return fail(Errc::NotADump, path + ": ELF file is not a 64-bit x86-64 core dump");
    if (eh.e_type != ET_CORE)
        return fail(Errc::NotADump, path + ": ELF file is not a core dump (did you swap the dump "
                                           "and the vmlinux?)");
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum == PN_XNUM)
        return fail(Errc::Corrupt, path + ": ELF core dump has no usable program headers");
    const uint64_t phdrEnd = eh.e_phoff + uint64_t(eh.e_phnum) * sizeof(Elf64_Phdr);
    if (phdrEnd > fileSize) return fail(Errc::Truncated, truncatedMessage(path, phdrEnd, fileSize));
    std::vector<Elf64_Phdr> phdrs(eh.e_phnum);
    if (!file.readAt(eh.e_phoff, phdrs.data(), phdrs.size() * sizeof(Elf64_Phdr)))
        return fail(Errc::Io, path + ": cannot read the ELF program headers");
    uint64_t need = phdrEnd;
    for (const auto& ph : phdrs)
        if (ph.p_type == PT_LOAD || ph.p_type == PT_NOTE)
            need = std::max<uint64_t>(need, ph.p_offset + ph.p_filesz);
    DumpFileFacts facts{DumpFormat::Elf, "ELF core", fileSize, false, 0, 0, std::nullopt};
    if (need > fileSize) facts.truncation = truncatedMessage(path, need, fileSize);
    facts.virtualSegments = std::any_of(phdrs.begin(), phdrs.end(), [](const Elf64_Phdr& ph) {
        return ph.p_type == PT_LOAD && ph.p_vaddr != 0;
    });
    return facts;
}

// makedumpfile's diskdump header (diskdump_mod.h), the fields we need, at their x86-64 offsets.
constexpr uint64_t kStatusOffset = 424, kBlockSizeOffset = 428, kSubHdrSizeOffset = 432,
                   kBitmapBlocksOffset = 436;
constexpr uint32_t kStatusIncomplete = 0x8;
struct PageDescriptor { // struct page_desc
    int64_t offset;
    uint32_t size;
    uint32_t flags;
    uint64_t pageFlags;
};
static_assert(sizeof(PageDescriptor) == 24);

std::string compressionName(uint32_t flags) {
    if (flags & 0x1) return "zlib";
    if (flags & 0x2) return "lzo";
    if (flags & 0x4) return "snappy";
    if (flags & 0x20) return "zstd";
    return "uncompressed";
}

Result<DumpFileFacts> inspectKdump(const RawFile& file, const std::string& path,
                                   uint64_t fileSize) {
    uint32_t status = 0;
    int32_t blockSize = 0, subHdrSize = 0;
    uint32_t bitmapBlocks = 0;
    if (!file.readAt(kStatusOffset, &status, 4) || !file.readAt(kBlockSizeOffset, &blockSize, 4) ||
        !file.readAt(kSubHdrSizeOffset, &subHdrSize, 4) ||
        !file.readAt(kBitmapBlocksOffset, &bitmapBlocks, 4))
        return fail(Errc::Truncated, truncatedMessage(path, kBitmapBlocksOffset + 4, fileSize));
    if (blockSize <= 0 || !std::has_single_bit(uint32_t(blockSize)) || subHdrSize < 0 ||
        bitmapBlocks == 0 || bitmapBlocks % 2 != 0)
        return fail(Errc::Corrupt, path + ": kdump header has an impossible block size or bitmap");

    // The second half of the bitmap marks the pages that have a descriptor in the file.
    const uint64_t bitmapOffset = (1 + uint64_t(subHdrSize)) * uint64_t(blockSize);
    const uint64_t bitmapBytes = uint64_t(bitmapBlocks) * uint64_t(blockSize);
    const uint64_t descOffset = bitmapOffset + bitmapBytes;
    if (descOffset > fileSize)
        return fail(Errc::Truncated, truncatedMessage(path, descOffset, fileSize));
    std::vector<uint64_t> bitmap2(bitmapBytes / 2 / 8);
    if (!file.readAt(bitmapOffset + bitmapBytes / 2, bitmap2.data(), bitmap2.size() * 8))
        return fail(Errc::Io, path + ": cannot read the kdump page bitmap");
    uint64_t pages = 0;
    for (uint64_t word : bitmap2)
        pages += static_cast<uint64_t>(std::popcount(word));
    const uint64_t descEnd = descOffset + pages * sizeof(PageDescriptor);
    if (descEnd > fileSize)
        return DumpFileFacts{DumpFormat::KdumpCompressed,
                             "kdump-compressed",
                             fileSize,
                             false,
                             0,
                             0,
                             truncatedMessage(path, descEnd, fileSize)};

    // Page data follows the descriptors in page order, so the last descriptors end the file.
    // (The shared zero page comes first.) Look at the tail to find where the data should end.
    const uint64_t tail = std::min<uint64_t>(pages, 1024);
    std::vector<PageDescriptor> descs(tail);
    if (tail && !file.readAt(descEnd - tail * sizeof(PageDescriptor), descs.data(),
                             tail * sizeof(PageDescriptor)))
        return fail(Errc::Io, path + ": cannot read the kdump page descriptors");
    uint64_t need = descEnd;
    uint32_t flags = 0;
    for (const auto& d : descs) {
        if (d.offset < 0) return fail(Errc::Corrupt, path + ": kdump page descriptor is corrupt");
        need = std::max<uint64_t>(need, uint64_t(d.offset) + d.size);
        flags |= d.flags;
    }
    DumpFileFacts facts{DumpFormat::KdumpCompressed,
                        "kdump-compressed (" + compressionName(flags) + ")",
                        fileSize,
                        false,
                        0,
                        0,
                        std::nullopt};
    // struct kdump_sub_header: int split at 12, start_pfn at 16, end_pfn at 24.
    int32_t split = 0;
    if (file.readAt(uint64_t(blockSize) + 12, &split, 4) && split) {
        facts.splitPart = true;
        file.readAt(uint64_t(blockSize) + 16, &facts.splitStart, 8);
        file.readAt(uint64_t(blockSize) + 24, &facts.splitEnd, 8);
    }
    if (need > fileSize)
        facts.truncation = truncatedMessage(path, need, fileSize);
    else if (status & kStatusIncomplete)
        facts.truncation =
            path + ": makedumpfile marked this dump incomplete (it ran out of space)";
    return facts;
}

} // namespace

Result<DumpFileFacts> inspectDumpFile(const std::string& path) {
    auto file = RawFile::open(path);
    if (!file) return tl::unexpected(file.error());
    if (file->isDirectory()) return fail(Errc::Io, path + ": is a directory, not a dump file");
    const uint64_t fileSize = file->size();

    char magic[16] = {};
    if (fileSize == 0) return fail(Errc::NotADump, path + ": file is empty, not a dump");
    if (!file->readAt(0, magic, std::min<uint64_t>(sizeof magic, fileSize)))
        return fail(Errc::Io, path + ": cannot read: " + std::strerror(errno));
    if (std::memcmp(magic, ELFMAG, SELFMAG) == 0) return inspectElf(*file, path, fileSize);
    if (std::memcmp(magic, "KDUMP   ", 8) == 0) return inspectKdump(*file, path, fileSize);
    if (std::memcmp(magic, "makedumpfile", 12) == 0)
        return fail(Errc::NotADump, path +
                                        ": is in makedumpfile's flattened format; convert it "
                                        "first: makedumpfile -R OUTPUT < " +
                                        path);
    if (auto misplaced = recognizeMisplacedFile(path))
        return fail(Errc::NotADump,
                    path + ": is " + misplaced->what + ", not a dump: " + misplaced->remedy);
    return fail(Errc::NotADump, path + ": not a kernel crash dump (neither ELF core nor "
                                       "kdump-compressed)");
}

} // namespace panicscope::dump
