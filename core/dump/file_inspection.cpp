#include "dump/file_inspection.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace panicscope::dump {
namespace {

// Closes the descriptor on every path out.
class Fd {
  public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

// Reads exactly out.size() bytes at `offset`; false on a short read.
bool readAt(int fd, uint64_t offset, void* out, size_t size) {
    auto* p = static_cast<char*>(out);
    while (size > 0) {
        ssize_t n = ::pread(fd, p, size, static_cast<off_t>(offset));
        if (n <= 0) return false;
        p += n;
        offset += static_cast<uint64_t>(n);
        size -= static_cast<size_t>(n);
    }
    return true;
}

std::string truncatedMessage(const std::string& path, uint64_t need, uint64_t have) {
    return path + ": dump is truncated: it needs " + std::to_string(need) +
           " bytes but the file has " + std::to_string(have);
}

Result<DumpFileFacts> inspectElf(int fd, const std::string& path, uint64_t fileSize) {
    Elf64_Ehdr eh;
    if (!readAt(fd, 0, &eh, sizeof eh))
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
    if (!readAt(fd, eh.e_phoff, phdrs.data(), phdrs.size() * sizeof(Elf64_Phdr)))
        return fail(Errc::Io, path + ": cannot read the ELF program headers");
    uint64_t need = phdrEnd;
    for (const auto& ph : phdrs)
        if (ph.p_type == PT_LOAD || ph.p_type == PT_NOTE)
            need = std::max<uint64_t>(need, ph.p_offset + ph.p_filesz);
    DumpFileFacts facts{DumpFormat::Elf, "ELF core", fileSize, false, 0, 0, std::nullopt};
    if (need > fileSize) facts.truncation = truncatedMessage(path, need, fileSize);
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

Result<DumpFileFacts> inspectKdump(int fd, const std::string& path, uint64_t fileSize) {
    uint32_t status = 0;
    int32_t blockSize = 0, subHdrSize = 0;
    uint32_t bitmapBlocks = 0;
    if (!readAt(fd, kStatusOffset, &status, 4) || !readAt(fd, kBlockSizeOffset, &blockSize, 4) ||
        !readAt(fd, kSubHdrSizeOffset, &subHdrSize, 4) ||
        !readAt(fd, kBitmapBlocksOffset, &bitmapBlocks, 4))
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
    if (!readAt(fd, bitmapOffset + bitmapBytes / 2, bitmap2.data(), bitmap2.size() * 8))
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
    if (tail && !readAt(fd, descEnd - tail * sizeof(PageDescriptor), descs.data(),
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
    if (readAt(fd, uint64_t(blockSize) + 12, &split, 4) && split) {
        facts.splitPart = true;
        readAt(fd, uint64_t(blockSize) + 16, &facts.splitStart, 8);
        readAt(fd, uint64_t(blockSize) + 24, &facts.splitEnd, 8);
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
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return fail(Errc::Io, path + ": cannot open: " + std::strerror(errno));
    struct stat st;
    if (::fstat(fd.get(), &st) != 0)
        return fail(Errc::Io, path + ": cannot stat: " + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) return fail(Errc::Io, path + ": is a directory, not a dump file");
    const auto fileSize = static_cast<uint64_t>(st.st_size);

    char magic[16] = {};
    if (fileSize == 0) return fail(Errc::NotADump, path + ": file is empty, not a dump");
    if (!readAt(fd.get(), 0, magic, std::min<uint64_t>(sizeof magic, fileSize)))
        return fail(Errc::Io, path + ": cannot read: " + std::strerror(errno));
    if (std::memcmp(magic, ELFMAG, SELFMAG) == 0) return inspectElf(fd.get(), path, fileSize);
    if (std::memcmp(magic, "KDUMP   ", 8) == 0) return inspectKdump(fd.get(), path, fileSize);
    if (std::memcmp(magic, "makedumpfile", 12) == 0)
        return fail(Errc::NotADump, path +
                                        ": is in makedumpfile's flattened format; convert it "
                                        "first: makedumpfile -R OUTPUT < " +
                                        path);
    return fail(Errc::NotADump, path + ": not a kernel crash dump (neither ELF core nor "
                                       "kdump-compressed)");
}

} // namespace panicscope::dump
