#include "symbols/symbol_table.h"

#include <gtest/gtest.h>

#include <optional>

namespace panicscope::symbols {
namespace {

// The entry of the Debian 6.1 cloud kernel: a sized asm function and a sizeless label inside it.
constexpr uint64_t kEntry = 0xffffffff81c00080;        // entry_SYSCALL_64, 427 bytes
constexpr uint64_t kAfterHwframe = 0xffffffff81c000b8; // entry_SYSCALL_64_after_hwframe

std::string nameAt(const SymbolTable& table, uint64_t address) {
    const Symbol* s = table.containing(address);
    return s ? std::string(s->name) : "(none)";
}

TEST(SymbolTable, EmptyTableFindsNothing) {
    SymbolTable table;
    EXPECT_EQ(table.size(), 0u);
    EXPECT_EQ(table.containing(0x1000), nullptr);
    EXPECT_EQ(table.byName("x"), nullptr);
}

TEST(SymbolTable, SizedSymbolCoversExactlyItsBytes) {
    SymbolTable table({{"f", 0x1000, 0x10, true}, {"g", 0x1020, 0x8, true}});
    EXPECT_EQ(nameAt(table, 0xfff), "(none)"); // before the first symbol
    EXPECT_EQ(nameAt(table, 0x1000), "f");
    EXPECT_EQ(nameAt(table, 0x100f), "f");
    EXPECT_EQ(nameAt(table, 0x1010), "(none)"); // the gap after f's end
    EXPECT_EQ(nameAt(table, 0x1027), "g");
    EXPECT_EQ(nameAt(table, 0x1028), "(none)");
    EXPECT_EQ(nameAt(table, 0), "(none)");
}

TEST(SymbolTable, SizelessLabelRunsToTheAddressAndBeatsItsEnclosingFunction) {
    SymbolTable table({{"entry_SYSCALL_64_after_hwframe", kAfterHwframe, 0, true},
                       {"entry_SYSCALL_64", kEntry, 427, true},
                       {"next_function", kEntry + 0x200, 0x40, true}});
    EXPECT_EQ(nameAt(table, kEntry + 0x10), "entry_SYSCALL_64");
    EXPECT_EQ(nameAt(table, kAfterHwframe), "entry_SYSCALL_64_after_hwframe");
    EXPECT_EQ(nameAt(table, kAfterHwframe + 0x63), "entry_SYSCALL_64_after_hwframe");
    EXPECT_EQ(nameAt(table, kEntry + 0x200), "next_function");
}

TEST(SymbolTable, TheLastSizelessSymbolEndsAtItself) {
    // The linker's end markers (__init_scratch_end, _end, ...) sort last: an address far beyond
    // them (RIP 0 minus the KASLR offset) is in no symbol.
    SymbolTable table({{"f", 0x1000, 0x10, true}, {"_end", 0x2000, 0, false}});
    EXPECT_EQ(nameAt(table, 0x2000), "_end");
    EXPECT_EQ(nameAt(table, 0x2001), "(none)");
    EXPECT_EQ(nameAt(table, ~uint64_t(0) - 0x40000000), "(none)");
}

TEST(SymbolTable, SizelessSymbolEndsWithItsSection) {
    // x86-64 links .data..percpu at 0: its end marker __per_cpu_end (sizeless, at the section's
    // end) is the nearest symbol below every direct-map address, a task_struct's say.
    SymbolTable table({{"runqueues", 0x31980, 0xcc0, false, 0x34000},
                       {"__per_cpu_end", 0x34000, 0, false, 0x34000},
                       {"_stext", 0xffffffff81000000, 0, true, 0xffffffff81e01ef2},
                       {"_etext", 0xffffffff81e01ef2, 0, true, 0xffffffff81e01ef2},
                       {"__start_rodata", 0xffffffff82000000, 0, false, 0xffffffff82800000}});
    EXPECT_EQ(nameAt(table, 0x34000), "__per_cpu_end");
    EXPECT_EQ(nameAt(table, 0x34001), "(none)");
    EXPECT_EQ(nameAt(table, 0xffff89469fef1800), "(none)");
    EXPECT_EQ(nameAt(table, 0xffffffff81000010), "_stext");
    EXPECT_EQ(nameAt(table, 0xffffffff81e01ef3), "(none)"); // between .text and .rodata
    EXPECT_EQ(nameAt(table, 0xffffffff827fffff), "__start_rodata");
    EXPECT_EQ(nameAt(table, 0xffffffff82800000), "(none)");
    // The kernel's size, to the next symbol, but not past the section's end.
    EXPECT_EQ(table.kallsymsSize(*table.byName("runqueues")), 0x34000u - 0x31980u);
    EXPECT_EQ(table.kallsymsSize(*table.byName("__per_cpu_end")), 0u);
    EXPECT_EQ(table.kallsymsSize(*table.byName("_stext")), 0xe01ef2u);
    EXPECT_EQ(table.kallsymsSize(*table.byName("_etext")), 0u);
}

TEST(SymbolTable, SizedAliasWinsOverSizelessLabelAtTheSameAddress) {
    // _stext (sizeless) and startup_64 (104 bytes) share the kernel's first text address.
    SymbolTable table({{"_stext", 0xffffffff81000000, 0, false},
                       {"startup_64", 0xffffffff81000000, 104, true},
                       {"secondary_startup_64", 0xffffffff81000070, 0x10, true}});
    EXPECT_EQ(nameAt(table, 0xffffffff81000000), "startup_64");
    EXPECT_EQ(nameAt(table, 0xffffffff81000067), "startup_64");
    // Past startup_64's end only the label is left.
    EXPECT_EQ(nameAt(table, 0xffffffff81000068), "_stext");
}

TEST(SymbolTable, NestedAndOverlappingSizedSymbols) {
    SymbolTable table({{"outer", 0x1000, 0x100, false},
                       {"inner", 0x1010, 0x10, false},
                       {"wide", 0x2000, 0x40, false},
                       {"narrow", 0x2000, 0x10, false}});
    EXPECT_EQ(nameAt(table, 0x1018), "inner");
    EXPECT_EQ(nameAt(table, 0x1020), "outer"); // after inner, still inside outer
    EXPECT_EQ(nameAt(table, 0x10ff), "outer");
    EXPECT_EQ(nameAt(table, 0x1100), "(none)");
    EXPECT_EQ(nameAt(table, 0x2008), "narrow"); // the smallest that contains it
    EXPECT_EQ(nameAt(table, 0x2010), "wide");
    EXPECT_EQ(nameAt(table, 0x2040), "(none)");
}

TEST(SymbolTable, LabelsBeforeASizedSymbolDoNotReachPastIt) {
    SymbolTable table({{"label", 0x1000, 0, true}, {"f", 0x1008, 0x8, true}});
    EXPECT_EQ(nameAt(table, 0x1004), "label");
    EXPECT_EQ(nameAt(table, 0x1010), "(none)"); // f ended; label is not the last before
}

TEST(SymbolTable, EqualAliasesKeepSymbolTableOrder) {
    SymbolTable table(
        {{"__x64_sys_read", 0x3000, 0x20, true}, {"alias_of_read", 0x3000, 0x20, true}});
    EXPECT_EQ(nameAt(table, 0x3010), "__x64_sys_read");
}

TEST(SymbolTable, ByNameFindsTheLowestAddressOfDuplicateLocals) {
    SymbolTable table({{"helper", 0x3000, 0x10, true},
                       {"helper", 0x2000, 0x10, true},
                       {"jiffies", 0x5000, 8, false},
                       {"label", 0x4000, 0, true}});
    EXPECT_EQ(table.size(), 4u);
    ASSERT_NE(table.byName("helper"), nullptr);
    EXPECT_EQ(table.byName("helper")->address, 0x2000u);
    ASSERT_NE(table.byName("jiffies"), nullptr);
    EXPECT_EQ(table.byName("jiffies")->size, 8u);
    EXPECT_FALSE(table.byName("jiffies")->isFunction);
    ASSERT_NE(table.byName("label"), nullptr);
    EXPECT_TRUE(table.byName("label")->isFunction);
    EXPECT_EQ(table.byName("help"), nullptr);
    EXPECT_EQ(table.byName(""), nullptr);
}

TEST(SymbolTable, CopiesOutliveTheOriginal) {
    std::optional<SymbolTable> original(
        SymbolTable({{"a_rather_long_symbol_name_beyond_sso", 0x1000, 8, true}, {"s", 0x2000, 8}}));
    SymbolTable copy(*original);
    SymbolTable assigned;
    assigned = *original;
    SymbolTable moved(std::move(*original));
    original.reset();
    for (const SymbolTable* t : {&copy, &assigned, &moved}) {
        ASSERT_NE(t->byName("s"), nullptr);
        EXPECT_EQ(t->byName("s")->address, 0x2000u);
        ASSERT_NE(t->byName("a_rather_long_symbol_name_beyond_sso"), nullptr);
        EXPECT_EQ(nameAt(*t, 0x1004), "a_rather_long_symbol_name_beyond_sso");
    }
}

} // namespace
} // namespace panicscope::symbols

namespace panicscope::symbols {
namespace {

TEST(SymbolTableCodec, RoundTripsAndRejectsDamage) {
    const SymbolTable table({{"b_func", 0x2000, 0x40, true},
                             {"a_data", 0x1000, 8, false},
                             {"b_alias", 0x2000, 0x40, true},
                             {"label", 0x3000, 0, true, 0x3100}});
    const std::string bytes = table.encode();
    auto back = SymbolTable::decode(bytes);
    ASSERT_TRUE(back);
    ASSERT_EQ(back->size(), table.size());
    for (size_t i = 0; i < table.size(); ++i) {
        EXPECT_EQ(back->all()[i].name, table.all()[i].name);
        EXPECT_EQ(back->all()[i].address, table.all()[i].address);
        EXPECT_EQ(back->all()[i].size, table.all()[i].size);
        EXPECT_EQ(back->all()[i].isFunction, table.all()[i].isFunction);
        EXPECT_EQ(back->all()[i].sectionEnd, table.all()[i].sectionEnd);
    }
    ASSERT_NE(back->byName("b_alias"), nullptr);
    EXPECT_EQ(back->byName("b_alias")->address, 0x2000u);
    EXPECT_EQ(back->containing(0x2010)->name, table.containing(0x2010)->name);
    EXPECT_EQ(back->kallsymsSize(*back->byName("a_data")), 0x1000u);
    EXPECT_EQ(back->encode(), bytes);
    for (size_t n = 0; n < bytes.size(); ++n)
        EXPECT_FALSE(SymbolTable::decode(std::string_view(bytes).substr(0, n))) << n;
    EXPECT_FALSE(SymbolTable::decode(bytes + "x"));
    // A name past the name block, addresses out of order, a name index slot naming no symbol.
    const size_t slots = bytes.size() - 16 * 4, records = slots - 4 - 4 * 37;
    std::string badName = bytes;
    badName[records + 1] = '\x7f'; // the first symbol's name offset
    EXPECT_FALSE(SymbolTable::decode(badName));
    std::string swapped = bytes;
    std::swap_ranges(swapped.begin() + records + 12, swapped.begin() + records + 20,
                     swapped.begin() + records + 37 + 12);
    EXPECT_FALSE(SymbolTable::decode(swapped));
    std::string badSlot = bytes;
    badSlot[slots] = '\x04'; // symbol 4 of 0..3 (or free, 0xffffffff, made 0xffffff04)
    EXPECT_FALSE(SymbolTable::decode(badSlot));
    std::string noFreeSlot = bytes;
    for (size_t at = slots; at < bytes.size(); at += 4)
        noFreeSlot.replace(at, 4, std::string("\0\0\0\0", 4));
    EXPECT_FALSE(SymbolTable::decode(noFreeSlot));
    EXPECT_TRUE(SymbolTable::decode(SymbolTable().encode()));
}

} // namespace
} // namespace panicscope::symbols
