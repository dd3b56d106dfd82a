// The dump header checks on bytes in memory (as the fuzz targets call them): page descriptors,
// note records, and a hand-built kdump header with each field made impossible in turn.
#include "dump/elf_notes.h"
#include "dump/file_inspection.h"
#include "dump/kdump_layout.h"

#include <gtest/gtest.h>

#include <cstring>

namespace panicscope::dump {
namespace {

TEST(PageDescriptor, SoundOnesPass) {
    EXPECT_FALSE(pageDescriptorProblem({100, 4096, 0, 0}, 4096, 8192));
    EXPECT_FALSE(pageDescriptorProblem({100, 700, 0x1, 0}, 4096, 8192));
    EXPECT_FALSE(pageDescriptorProblem({100, 4096, 0x20, 0}, 4096, 4196)); // ends at the end
}

TEST(PageDescriptor, EachDamageIsNamed) {
    EXPECT_EQ(pageDescriptorProblem({100, 65536, 0x1, 0}, 4096, 1 << 20),
              "compressed size 65536 is not within the block size 4096");
    EXPECT_EQ(pageDescriptorProblem({100, 0, 0x2, 0}, 4096, 1 << 20),
              "compressed size 0 is not within the block size 4096");
    EXPECT_EQ(pageDescriptorProblem({100, 4000, 0, 0}, 4096, 1 << 20),
              "uncompressed size 4000 is not the block size 4096");
    EXPECT_EQ(pageDescriptorProblem({100, 700, 0x41, 0}, 4096, 1 << 20),
              "unknown compression flags 0x41");
    EXPECT_EQ(pageDescriptorProblem({100, 700, 0x3, 0}, 4096, 1 << 20),
              "unknown compression flags 0x3");
    EXPECT_EQ(pageDescriptorProblem({-5, 700, 0x1, 0}, 4096, 1 << 20),
              "data offset -5 is negative");
    EXPECT_EQ(pageDescriptorProblem({INT64_MAX, 700, 0x1, 0}, 4096, 1 << 20),
              "its data lies past the end of the file");
}

std::vector<std::byte> note(const std::string& name, const std::string& desc) {
    std::vector<std::byte> out(12 + (name.size() + 4) / 4 * 4 + (desc.size() + 3) / 4 * 4);
    const uint32_t header[3] = {uint32_t(name.size() + 1), uint32_t(desc.size()), 0};
    std::memcpy(out.data(), header, 12);
    std::memcpy(out.data() + 12, name.data(), name.size());
    std::memcpy(out.data() + 12 + (name.size() + 4) / 4 * 4, desc.data(), desc.size());
    return out;
}

TEST(Notes, RecordsAreWalkedAndADamagedHeaderIsNamed) {
    auto bytes = note("VMCOREINFO", "PAGESIZE=4096\n");
    const auto second = note("CORE", "xxxx");
    bytes.insert(bytes.end(), second.begin(), second.end());
    std::vector<std::string> names;
    ASSERT_TRUE(forEachNote(bytes, [&](const NoteRecord& n) { names.emplace_back(n.name); }));
    EXPECT_EQ(names, (std::vector<std::string>{"VMCOREINFO", "CORE"}));

    const uint32_t huge = 0xffffffff;
    std::memcpy(bytes.data() + 4, &huge, 4);
    auto walked = forEachNote(bytes, [](const NoteRecord&) {});
    ASSERT_FALSE(walked);
    EXPECT_EQ(walked.error().message,
              "note at offset 0 is damaged: its name (11 bytes) and data (4294967295 bytes) run "
              "past the end of the notes (" +
                  std::to_string(bytes.size()) + " bytes)");
}

TEST(Notes, PageSizeMustBeX86Pages) {
    for (const char* size : {"0", "1", "8192", "4096x"}) {
        const auto bytes =
            note("VMCOREINFO", std::string("OSRELEASE=6.1\nPAGESIZE=") + size + "\n");
        BytesInMemory file(bytes);
        auto r = checkNotes(file, {{0, bytes.size()}}, "mem");
        ASSERT_FALSE(r) << size;
        EXPECT_EQ(r.error().message, std::string("mem: VMCOREINFO says PAGESIZE=") + size +
                                         ", but x86-64 pages are 4096 bytes");
    }
}

// A kdump-compressed file's first two blocks: header and sub-header (version 6), one page frame
// per bitmap bit, `frames` frames.
std::vector<std::byte> kdumpHead(uint64_t frames) {
    std::vector<std::byte> b(4 * 4096 + 24);
    auto put = [&](uint64_t at, auto v) { std::memcpy(b.data() + at, &v, sizeof v); };
    std::memcpy(b.data(), "KDUMP   ", 8);
    put(8, int32_t(6));         // header_version
    put(428, int32_t(4096));    // block_size
    put(432, int32_t(1));       // sub_hdr_size
    put(436, uint32_t(2));      // bitmap_blocks: two bitmaps of one block
    put(440, uint32_t(frames)); // max_mapnr
    put(4096 + 96, frames);     // max_mapnr_64
    put(3 * 4096, uint8_t(1));  // page frame 0 present, in the second bitmap
    put(4 * 4096, int64_t(0));  // its descriptor
    put(4 * 4096 + 8, uint32_t(4096));
    return b;
}

TEST(KdumpHeader, ASoundHeaderOpensAndEachImpossibleFieldIsNamed) {
    auto bytes = kdumpHead(4096 * 8);
    BytesInMemory file(bytes);
    auto facts = inspectDumpBytes(file, "mem");
    ASSERT_TRUE(facts) << facts.error().message;
    EXPECT_EQ(facts->format, DumpFormat::KdumpCompressed);

    std::memcpy(bytes.data() + 428, "\x00\x20\x00\x00", 4); // block size 8192
    auto r = inspectDumpBytes(file, "mem");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message,
              "mem: kdump header: block size 8192 is not the x86-64 page size 4096");

    bytes = kdumpHead(100); // a bitmap block covers 32768 frames: fits
    BytesInMemory small(bytes);
    EXPECT_TRUE(inspectDumpBytes(small, "mem"));
    bytes = kdumpHead(4096 * 8 + 1); // needs two blocks per bitmap
    BytesInMemory big(bytes);
    r = inspectDumpBytes(big, "mem");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message,
              "mem: kdump header: a page bitmap of 2 blocks does not fit 32769 page frames "
              "(max_mapnr)");
}

TEST(KdumpPageIndex, FindsEachFramesDescriptorByRank) {
    auto bytes = kdumpHead(4096 * 8);
    bytes.resize(4 * 4096 + 3 * 24);
    bytes[3 * 4096] = std::byte{0b1011}; // frames 0, 1 and 3
    BytesInMemory file(bytes);
    auto layout = readKdumpLayout(file, "mem");
    ASSERT_TRUE(layout) << layout.error().message;
    auto index = KdumpPageIndex::build(file, *layout, "mem");
    ASSERT_TRUE(index);
    EXPECT_EQ(index->pageCount(), 3u);
    EXPECT_EQ(index->runCount(), 2u);
    EXPECT_EQ(index->descriptorOffset(file, 0), 4 * 4096u);
    EXPECT_EQ(index->descriptorOffset(file, 3), 4 * 4096u + 48);
    EXPECT_FALSE(index->descriptorOffset(file, 2));
    const auto at = index->descriptorOffset(file, 1);
    ASSERT_TRUE(at);
    auto checked = index->checkDescriptor(file, 1, *at); // all zeros: uncompressed size 0
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.error().message,
              "page frame 0x1 has a corrupt page descriptor at file offset 16408: uncompressed "
              "size 0 is not the block size 4096");
}

TEST(KdumpPageIndex, EveryFramesRankCountsTheFramesBeforeIt) {
    // A pattern over three rank chunks (4096 frames each): runs, gaps, odd and whole bytes.
    auto bytes = kdumpHead(4096 * 8);
    uint32_t state = 12345;
    for (size_t i = 0; i < 1536; ++i) {
        state = state * 1103515245 + 12345;
        bytes[3 * 4096 + i] = std::byte(i % 7 == 0 ? 0xff : i % 11 == 0 ? 0 : state >> 16);
    }
    BytesInMemory file(bytes);
    auto layout = readKdumpLayout(file, "mem");
    ASSERT_TRUE(layout) << layout.error().message;
    auto index = KdumpPageIndex::build(file, *layout, "mem");
    ASSERT_TRUE(index);
    uint64_t before = 0;
    for (uint64_t pfn = 0; pfn < 1536 * 8; ++pfn) {
        const bool present = uint8_t(bytes[3 * 4096 + pfn / 8]) >> (pfn % 8) & 1;
        const auto at = index->descriptorOffset(file, pfn);
        ASSERT_EQ(at.has_value(), present) << pfn;
        if (present) {
            ASSERT_EQ(*at, 4 * 4096u + before++ * 24) << pfn;
        }
    }
}

} // namespace
} // namespace panicscope::dump
