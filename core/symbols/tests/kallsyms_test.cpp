// The kallsyms decoder on hand-built tables: both address encodings, long (two-byte) name
// lengths, and every kind of damage a dump can carry -- each a one-line error, never a crash.
#include "fake_memory.h"
#include "symbols/kallsyms.h"

#include <gtest/gtest.h>

#include <cstring>

namespace panicscope::symbols {
namespace {

// Writes the tables the way scripts/kallsyms.c lays them out. Token i is the character i, except
// token 0x01, which expands to "sched" (one multi-character token, as the real table has).
class KallsymsBuilder {
  public:
    KallsymsBuilder() {
        for (int i = 0; i < 256; ++i) {
            const uint16_t at = static_cast<uint16_t>(tokenTable_.size());
            index_.append(reinterpret_cast<const char*>(&at), 2);
            if (i == 1)
                tokenTable_ += "sched";
            else
                tokenTable_ += static_cast<char>(i == 0 ? 'Z' : i);
            tokenTable_ += '\0';
        }
    }
    // A symbol "TYPE NAME" at an s32 offset; "sched" in the name is compressed to token 1.
    void add(char type, const std::string& name, int32_t offset) {
        std::string encoded(1, type);
        for (size_t i = 0; i < name.size(); ++i) {
            if (name.compare(i, 5, "sched") == 0) {
                encoded += '\x01';
                i += 4;
            } else {
                encoded += name[i];
            }
        }
        if (encoded.size() < 0x80) {
            names_ += static_cast<char>(encoded.size());
        } else { // 6.1's big symbols: 7 bits, then the rest
            names_ += static_cast<char>(0x80 | (encoded.size() & 0x7f));
            names_ += static_cast<char>(encoded.size() >> 7);
        }
        names_ += encoded;
        offsets_.append(reinterpret_cast<const char*>(&offset), 4);
        ++count_;
    }
    KallsymsTables tables(uint64_t base) const {
        KallsymsTables t;
        t.count = count_;
        t.names = names_;
        t.tokenTable = tokenTable_;
        t.tokenIndex = index_;
        t.offsets = offsets_;
        t.relativeBase = base;
        return t;
    }
    std::string names_, tokenTable_, index_, offsets_;
    uint32_t count_ = 0;
};

std::string errorOf(const Result<std::vector<KallsymsSymbol>>& r) {
    return r ? std::string("(no error)") : r.error().message;
}

constexpr uint64_t kBase = 0xffffffffa1000000;

TEST(Kallsyms, RelativeOffsetsDecodeNamesTypesAndAddresses) {
    KallsymsBuilder b;
    b.add('T', "_stext", 0);
    b.add('t', "schedule_tail", 0x1230);
    b.add('D', "init_uts_ns", 0x200000);
    auto symbols = decodeKallsyms(b.tables(kBase));
    ASSERT_TRUE(symbols) << errorOf(symbols);
    ASSERT_EQ(symbols->size(), 3u);
    EXPECT_EQ((*symbols)[1].name, "schedule_tail");
    EXPECT_EQ((*symbols)[1].type, 't');
    EXPECT_EQ((*symbols)[1].address, kBase + 0x1230);
    EXPECT_FALSE((*symbols)[1].absolute);
    EXPECT_EQ((*symbols)[2].address, kBase + 0x200000);
}

TEST(Kallsyms, AbsolutePerCpuOffsetsAreValuesAndNegativeOnesRelative) {
    // CONFIG_KALLSYMS_ABSOLUTE_PERCPU: per-CPU symbols as their own (small) values, the rest
    // as -(distance from the base) - 1.
    KallsymsBuilder b;
    b.add('D', "fixed_percpu_data", 0);
    b.add('D', "runqueues", 0x31980);
    b.add('T', "_stext", -1);
    b.add('T', "schedule", -0x5001);
    auto symbols = decodeKallsyms(b.tables(kBase));
    ASSERT_TRUE(symbols) << errorOf(symbols);
    EXPECT_EQ((*symbols)[1].address, 0x31980u);
    EXPECT_TRUE((*symbols)[1].absolute);
    EXPECT_EQ((*symbols)[2].address, kBase);
    EXPECT_EQ((*symbols)[3].address, kBase + 0x5000);
    EXPECT_FALSE((*symbols)[3].absolute);
}

TEST(Kallsyms, LongNamesUseTwoLengthBytes) {
    KallsymsBuilder b;
    const std::string longName(300, 'x');
    b.add('t', longName, 8);
    b.add('t', "after", 16);
    auto symbols = decodeKallsyms(b.tables(kBase));
    ASSERT_TRUE(symbols) << errorOf(symbols);
    EXPECT_EQ((*symbols)[0].name, longName);
    EXPECT_EQ((*symbols)[1].name, "after");
}

TEST(Kallsyms, ACountTheTablesCannotHoldIsRefused) {
    KallsymsBuilder b;
    b.add('T', "_stext", 0);
    auto t = b.tables(kBase);
    t.count = 0;
    EXPECT_EQ(errorOf(decodeKallsyms(t)), "kallsyms_num_syms 0 is not plausible");
    t.count = 0xffffffff;
    EXPECT_EQ(errorOf(decodeKallsyms(t)), "kallsyms_num_syms 4294967295 is not plausible");
    t.count = 2; // one address for two names
    EXPECT_EQ(errorOf(decodeKallsyms(t)),
              "kallsyms_num_syms 2 is more than the address table holds (1)");
}

TEST(Kallsyms, NamesRunningPastTheTableAreRefused) {
    KallsymsBuilder b;
    b.add('T', "_stext", 0);
    b.add('t', "schedule", 0x100);
    auto t = b.tables(kBase);
    for (size_t cut = 0; cut < b.names_.size(); ++cut) {
        t.names = std::string_view(b.names_).substr(0, cut);
        const auto r = decodeKallsyms(t);
        ASSERT_FALSE(r) << "cut at " << cut;
        EXPECT_NE(
            r.error().message.find("runs past the name table (" + std::to_string(cut) + " bytes)"),
            std::string::npos)
            << r.error().message;
    }
    // A length byte claiming more than the rest of the table.
    std::string names = b.names_;
    names[0] = 0x7f;
    t.names = names;
    EXPECT_EQ(errorOf(decodeKallsyms(t)), "kallsyms name 0 of 2 runs past the name table (" +
                                              std::to_string(names.size()) + " bytes)");
}

TEST(Kallsyms, TokenIndexOutsideTheTokenTableIsRefused) {
    KallsymsBuilder b;
    b.add('T', "_stext", 0);
    auto t = b.tables(kBase);
    std::string index = b.index_;
    const uint16_t outside = 0xfff0;
    std::memcpy(index.data() + 2 * 7, &outside, 2);
    t.tokenIndex = index;
    EXPECT_EQ(errorOf(decodeKallsyms(t)),
              "kallsyms token 7 at offset 65520 is outside the token table (516 bytes)");
    t.tokenIndex = std::string_view(b.index_).substr(0, 100);
    EXPECT_EQ(errorOf(decodeKallsyms(t)), "kallsyms_token_index is shorter than 256 entries");
    // The last token without its NUL.
    t.tokenIndex = b.index_;
    t.tokenTable = std::string_view(b.tokenTable_).substr(0, b.tokenTable_.size() - 1);
    EXPECT_EQ(errorOf(decodeKallsyms(t)),
              "kallsyms token 255 runs past the end of the token table");
}

TEST(Kallsyms, ExpansionsOverTheLongestNameAreRefused) {
    // Every token the same long string: a short entry expands past any kernel name.
    KallsymsBuilder b;
    b.add('T', std::string(200, 'a'), 0);
    std::string table, index;
    for (int i = 0; i < 256; ++i) {
        const uint16_t at = 0;
        index.append(reinterpret_cast<const char*>(&at), 2);
    }
    table = std::string(100, 'y') + '\0';
    auto t = b.tables(kBase);
    t.tokenTable = table;
    t.tokenIndex = index;
    EXPECT_EQ(errorOf(decodeKallsyms(t)), "kallsyms name 0 is over 1024 bytes");
}

TEST(Kallsyms, ReadingADumpWithoutKallsymsInVmcoreinfoSaysWhatIsMissing) {
    testing::FakeMemory memory;
    const auto info = dump::Vmcoreinfo::parse("OSRELEASE=5.10.0-20-amd64\nKERNELOFFSET=1000\n");
    const auto r = readKallsyms(memory, info);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::Unsupported);
    EXPECT_EQ(r.error().message,
              "the dump's VMCOREINFO has no kallsyms addresses (Linux exports them from 6.0 on), "
              "so the dump alone cannot name symbols");
}

// The tables in fake memory at the addresses VMCOREINFO gives.
struct DumpedTables {
    testing::FakeMemory memory;
    dump::Vmcoreinfo info;
};

void dumpTables(DumpedTables& d, const KallsymsBuilder& b, uint32_t count, uint64_t stextAddress) {
    constexpr uint64_t kAt = 0xffffffffa2000000;
    auto bytes = [](const std::string& s) {
        std::vector<std::byte> out(s.size());
        std::memcpy(out.data(), s.data(), s.size());
        return out;
    };
    d.memory.map(kAt, bytes(b.offsets_));
    d.memory.mapZeros(kAt + 0x10000, 16);
    d.memory.put<uint64_t>(kAt + 0x10000, kBase);
    d.memory.put<uint32_t>(kAt + 0x10008, count);
    // The tables lie one after another: a reader takes the bytes up to the next one.
    d.memory.mapZeros(kAt + 0x20000, 0x10000);
    d.memory.putBytes(kAt + 0x20000, b.names_.data(), b.names_.size());
    d.memory.mapZeros(kAt + 0x30000, 0x10000);
    d.memory.putBytes(kAt + 0x30000, b.tokenTable_.data(), b.tokenTable_.size());
    d.memory.map(kAt + 0x40000, bytes(b.index_));
    char text[512];
    std::snprintf(text, sizeof text,
                  "SYMBOL(kallsyms_offsets)=%llx\nSYMBOL(kallsyms_relative_base)=%llx\n"
                  "SYMBOL(kallsyms_num_syms)=%llx\nSYMBOL(kallsyms_names)=%llx\n"
                  "SYMBOL(kallsyms_token_table)=%llx\nSYMBOL(kallsyms_token_index)=%llx\n"
                  "SYMBOL(_stext)=%llx\n",
                  (unsigned long long)kAt, (unsigned long long)kAt + 0x10000,
                  (unsigned long long)kAt + 0x10008, (unsigned long long)kAt + 0x20000,
                  (unsigned long long)kAt + 0x30000, (unsigned long long)kAt + 0x40000,
                  (unsigned long long)stextAddress);
    d.info = dump::Vmcoreinfo::parse(text);
}

TEST(Kallsyms, ReadingFromMemoryIsCheckedAgainstVmcoreinfo) {
    KallsymsBuilder b;
    b.add('T', "_stext", 0);
    b.add('t', "schedule", 0x100);
    {
        DumpedTables d;
        dumpTables(d, b, 2, kBase);
        auto r = readKallsyms(d.memory, d.info);
        ASSERT_TRUE(r) << errorOf(r);
        EXPECT_EQ((*r)[1].name, "schedule");
    }
    {
        DumpedTables d;
        dumpTables(d, b, 2, kBase + 0x1000);
        EXPECT_EQ(errorOf(readKallsyms(d.memory, d.info)),
                  "kallsyms puts _stext at 0xffffffffa1000000, VMCOREINFO at 0xffffffffa1001000");
    }
    {
        DumpedTables d; // a count past the offsets in memory: the read fails, named
        dumpTables(d, b, 5000, kBase);
        const auto r = readKallsyms(d.memory, d.info);
        ASSERT_FALSE(r);
        EXPECT_EQ(
            r.error().message.rfind("cannot read kallsyms_offsets at 0xffffffffa2000000: ", 0), 0u)
            << r.error().message;
    }
}

TEST(Kallsyms, SymbolTableAtLinkAddressesWithFunctionsAndSectionEnds) {
    const uint64_t slide = 0x2000000;
    std::vector<KallsymsSymbol> k = {
        {"_stext", 'T', kBase, false},           {"schedule", 't', kBase + 0x100, false},
        {"weak_fn", 'W', kBase + 0x200, false},  {"_etext", 'T', kBase + 0x1000, false},
        {"jiffies", 'D', kBase + 0x2000, false}, {"runqueues", 'd', 0x31980, true},
        {"__per_cpu_end", 'D', 0x40000, true},
    };
    const SymbolTable table = kallsymsSymbolTable(k, slide);
    const Symbol* schedule = table.byName("schedule");
    ASSERT_NE(schedule, nullptr);
    EXPECT_EQ(schedule->address, kBase + 0x100 - slide);
    EXPECT_TRUE(schedule->isFunction);
    EXPECT_TRUE(table.byName("weak_fn")->isFunction);
    EXPECT_FALSE(table.byName("jiffies")->isFunction);
    EXPECT_EQ(table.byName("runqueues")->address, 0x31980u);
    // The last function reaches _etext, not the data after it.
    EXPECT_EQ(table.containing(kBase + 0xfff - slide), table.byName("weak_fn"));
    EXPECT_EQ(table.kallsymsSize(*schedule), 0x100u);
    // A per-CPU symbol ends at __per_cpu_end.
    EXPECT_EQ(table.containing(0x3ffff), table.byName("runqueues"));
}

} // namespace
} // namespace panicscope::symbols
