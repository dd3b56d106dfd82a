// Which files a directory search takes for dumps: by their first bytes, an ELF core but not an
// ELF executable (the vmlinux beside the vmcores), the kdump and flattened headers.
#include "util/file_magic.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>

namespace panicscope {
namespace {

std::array<unsigned char, 64> head(const char* magic, size_t length) {
    std::array<unsigned char, 64> bytes{};
    std::memcpy(bytes.data(), magic, length);
    return bytes;
}

TEST(DumpMagic, ElfCoresAndKdumpHeadersOnly) {
    auto elf = head("\x7f"
                    "ELF\x02\x01\x01",
                    7);
    elf[16] = 4; // ET_CORE, little-endian
    EXPECT_EQ(recognizeDumpMagic(elf), DumpMagic::ElfCore);
    elf[16] = 2; // ET_EXEC: a vmlinux
    EXPECT_FALSE(recognizeDumpMagic(elf));
    elf[5] = 2; // big-endian ET_CORE
    elf[16] = 0, elf[17] = 4;
    EXPECT_EQ(recognizeDumpMagic(elf), DumpMagic::ElfCore);
    EXPECT_EQ(recognizeDumpMagic(head("KDUMP   ", 8)), DumpMagic::KdumpCompressed);
    EXPECT_EQ(recognizeDumpMagic(head("DISKDUMP", 8)), DumpMagic::KdumpCompressed);
    EXPECT_EQ(recognizeDumpMagic(head("makedumpfile", 12)), DumpMagic::Flattened);
    EXPECT_FALSE(recognizeDumpMagic(head("[    0.000000] Linux version", 28)));
    EXPECT_FALSE(recognizeDumpMagic(std::span(elf.data(), 10))); // too short for e_type
    EXPECT_FALSE(recognizeDumpMagic(std::string("/nonexistent/vmcore")));
}

} // namespace
} // namespace panicscope
