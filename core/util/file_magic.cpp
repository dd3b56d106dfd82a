#include "util/file_magic.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace panicscope {

namespace {

struct Compression {
    std::span<const unsigned char> magic;
    const char* name;
    const char* command; // decompresses FILE next to itself, keeping it
};

constexpr unsigned char kXz[] = {0xfd, '7', 'z', 'X', 'Z', 0x00};
constexpr unsigned char kGzip[] = {0x1f, 0x8b};
constexpr unsigned char kZstd[] = {0x28, 0xb5, 0x2f, 0xfd};
constexpr unsigned char kBzip2[] = {'B', 'Z', 'h'};
constexpr unsigned char kLz4[] = {0x04, 0x22, 0x4d, 0x18};

constexpr std::array kCompressions = {
    Compression{kXz, "xz", "xz -dk"},      Compression{kGzip, "gzip", "gzip -dk"},
    Compression{kZstd, "zstd", "zstd -d"}, Compression{kBzip2, "bzip2", "bzip2 -dk"},
    Compression{kLz4, "lz4", "lz4 -d"},
};

bool startsWith(std::span<const unsigned char> head, std::span<const unsigned char> magic) {
    return head.size() >= magic.size() && std::equal(magic.begin(), magic.end(), head.begin());
}

} // namespace

std::optional<MisplacedFile> recognizeMisplacedFile(std::span<const unsigned char> head,
                                                    const std::string& path) {
    for (const auto& c : kCompressions)
        if (startsWith(head, c.magic))
            return MisplacedFile{std::string(c.name) + "-compressed",
                                 std::string("decompress it first: ") + c.command + " " + path};
    // The x86 boot protocol's header: "HdrS" at 0x202 (Documentation/arch/x86/boot.rst).
    constexpr size_t kBootMagicAt = 0x202;
    if (head.size() >= kBootMagicAt + 4 && std::memcmp(&head[kBootMagicAt], "HdrS", 4) == 0)
        return MisplacedFile{
            "a bootable kernel image (bzImage/vmlinuz)",
            "give the vmlinux with debug info instead (Debian: the "
            "linux-image-RELEASE-dbg package's /usr/lib/debug/boot/vmlinux-RELEASE)"};
    return std::nullopt;
}

std::optional<MisplacedFile> recognizeMisplacedFile(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    std::array<unsigned char, 0x206> head{};
    if (!file.read(reinterpret_cast<char*>(head.data()), head.size()) && file.gcount() <= 0)
        return std::nullopt;
    return recognizeMisplacedFile(std::span(head.data(), static_cast<size_t>(file.gcount())), path);
}

std::optional<DumpMagic> recognizeDumpMagic(std::span<const unsigned char> head) {
    constexpr unsigned char kElf[] = {0x7f, 'E', 'L', 'F'};
    constexpr unsigned char kKdump[] = {'K', 'D', 'U', 'M', 'P', ' ', ' ', ' '};
    constexpr unsigned char kDiskdump[] = {'D', 'I', 'S', 'K', 'D', 'U', 'M', 'P'};
    constexpr unsigned char kFlattened[] = {'m', 'a', 'k', 'e', 'd', 'u',
                                            'm', 'p', 'f', 'i', 'l', 'e'};
    if (startsWith(head, kKdump) || startsWith(head, kDiskdump)) return DumpMagic::KdumpCompressed;
    if (startsWith(head, kFlattened)) return DumpMagic::Flattened;
    // e_type (offset 16) in the byte order EI_DATA (offset 5) names; ET_CORE is 4.
    constexpr size_t kTypeAt = 16;
    if (!startsWith(head, kElf) || head.size() < kTypeAt + 2) return std::nullopt;
    const unsigned type = head[5] == 2 ? (head[kTypeAt] << 8) | head[kTypeAt + 1]
                                       : head[kTypeAt] | (head[kTypeAt + 1] << 8);
    return type == 4 ? std::optional(DumpMagic::ElfCore) : std::nullopt;
}

std::optional<DumpMagic> recognizeDumpMagic(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    std::array<unsigned char, 18> head{};
    if (!file.read(reinterpret_cast<char*>(head.data()), head.size())) return std::nullopt;
    return recognizeDumpMagic(head);
}

std::string fileKindName(unsigned mode) {
    if (S_ISFIFO(mode)) return "a FIFO (pipe)";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISDIR(mode)) return "a directory";
    return "not a regular file";
}

} // namespace panicscope
