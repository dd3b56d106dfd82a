// The stored DWARF name index: what goes in comes out by kind and name, with its unit; bytes
// that are not a whole index decode to nothing, and a damaged record never reads outside them.
#include "symbols/dwarf_type_names.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace panicscope::symbols {
namespace {

std::optional<DwarfTypeNames> decodeBytes(const std::string& bytes) {
    const auto path =
        std::filesystem::temp_directory_path() / ("dwarf-type-names-" + std::to_string(::getpid()));
    std::ofstream(path, std::ios::binary) << bytes;
    auto file = MappedFile::open(path, 1 << 20);
    std::filesystem::remove(path);
    return file ? DwarfTypeNames::decode(*file) : std::nullopt;
}

DwarfTypeNames::Names sampleNames() {
    DwarfTypeNames::Names names;
    auto& aggregates = names[static_cast<size_t>(DwarfNameKind::Aggregate)];
    aggregates = {{"task_struct", {0x1234, 0}}, {"module", {0x99999, 41}}, {"mod", {0x10, 2}}};
    names[static_cast<size_t>(DwarfNameKind::Typedef)] = {{"pgd_t", {0x2000, 1}}};
    names[static_cast<size_t>(DwarfNameKind::Enumerator)] = {
        {"SYSTEM_RUNNING", {static_cast<uint64_t>(int64_t{-3}), 7}}};
    return names;
}

TEST(DwarfTypeNames, WhatIsStoredIsFoundByKindAndName) {
    const auto table = decodeBytes(DwarfTypeNames::encode(sampleNames(), 42));
    ASSERT_TRUE(table);
    EXPECT_EQ(table->units(), 42u);
    const auto module = table->find(DwarfNameKind::Aggregate, "module");
    ASSERT_TRUE(module);
    EXPECT_EQ(module->value, 0x99999u);
    EXPECT_EQ(module->unit, 41u);
    EXPECT_EQ(table->find(DwarfNameKind::Aggregate, "mod")->value, 0x10u);
    EXPECT_EQ(table->find(DwarfNameKind::Aggregate, "task_struct")->value, 0x1234u);
    EXPECT_EQ(table->find(DwarfNameKind::Typedef, "pgd_t")->unit, 1u);
    EXPECT_EQ(static_cast<int64_t>(table->find(DwarfNameKind::Enumerator, "SYSTEM_RUNNING")->value),
              -3);
    // Kinds are separate name spaces; a prefix or a longer name is another name.
    EXPECT_FALSE(table->find(DwarfNameKind::Typedef, "module"));
    EXPECT_FALSE(table->find(DwarfNameKind::Aggregate, "modul"));
    EXPECT_FALSE(table->find(DwarfNameKind::Aggregate, "modules"));
    EXPECT_FALSE(table->find(DwarfNameKind::Variable, "jiffies"));
}

TEST(DwarfTypeNames, BytesThatAreNoWholeIndexDecodeToNothing) {
    const std::string bytes = DwarfTypeNames::encode(sampleNames(), 42);
    EXPECT_FALSE(decodeBytes(bytes.substr(0, bytes.size() - 1)));
    EXPECT_FALSE(decodeBytes(bytes + "x"));
    std::string otherFormat = bytes;
    otherFormat[0] = 9;
    EXPECT_FALSE(decodeBytes(otherFormat));
    EXPECT_FALSE(decodeBytes(""));
}

TEST(DwarfTypeNames, ADamagedRecordReadsNothingOutsideTheBytes) {
    std::string bytes = DwarfTypeNames::encode(sampleNames(), 42);
    // The first record's name offset (records follow the name block at the end) set huge.
    const size_t records = 5 * 20;
    bytes.replace(bytes.size() - records, 4, std::string("\xff\xff\xff\x7f", 4));
    const auto table = decodeBytes(bytes);
    ASSERT_TRUE(table);
    EXPECT_FALSE(table->find(DwarfNameKind::Aggregate, "mod"));
    EXPECT_TRUE(table->find(DwarfNameKind::Typedef, "pgd_t"));
}

} // namespace
} // namespace panicscope::symbols
