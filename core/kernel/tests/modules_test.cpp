// readModules on fakes: what it reads without asking for struct module's layout.
#include "fake_memory.h"
#include "kernel/modules.h"

#include <gtest/gtest.h>

namespace panicscope::kernel {
namespace {

constexpr uint64_t kModules = 0xffffffff82a00000; // the list head, `modules`

// No layout is known: a readModules that looked one up would fail.
struct NoModulesKernel : ::testing::Test {
    testing::FakeMemory memory;
    testing::FakeLayouts layouts;
};

TEST_F(NoModulesKernel, AKernelWithoutModuleSupportHasNoModulesAndNoWarning) {
    const symbols::SymbolTable symbols({{"init_task", 0xffffffff82000000, 0x1000, false}});
    const KernelView view(memory, symbols, layouts, 0);
    auto list = readModules(view);
    ASSERT_TRUE(list.has_value()) << list.error().message;
    EXPECT_TRUE(list->modules.empty());
    EXPECT_TRUE(list->warnings.empty());
}

TEST_F(NoModulesKernel, AnEmptyModuleListNeedsNoLayout) {
    const symbols::SymbolTable symbols({{"modules", kModules, 16, false}});
    memory.mapZeros(kModules, 16);
    memory.put<uint64_t>(kModules, kModules); // next and prev: the head itself
    memory.put<uint64_t>(kModules + 8, kModules);
    const KernelView view(memory, symbols, layouts, 0);
    auto list = readModules(view);
    ASSERT_TRUE(list.has_value()) << list.error().message;
    EXPECT_TRUE(list->modules.empty());
    EXPECT_TRUE(list->warnings.empty());
    // A list with an entry needs struct module: its absence is the error.
    memory.put<uint64_t>(kModules, kModules + 0x100);
    auto one = readModules(view);
    ASSERT_FALSE(one.has_value());
    EXPECT_EQ(one.error().message, "struct module has no member 'list'");
}

// Two modules on a list that loops back to the first instead of to the head, with struct
// module's layout (core_layout, no ORC) from a table.
struct LoopingModuleList : ::testing::Test {
    static constexpr uint64_t kFirst = 0xffffffffc0001000, kSecond = 0xffffffffc0002000;
    static constexpr uint64_t kList = 0x8, kName = 0x18, kKallsyms = 0x60, kCoreBase = 0x100,
                              kCoreSize = 0x108, kInitBase = 0x110, kInitSize = 0x118;
    static constexpr uint64_t kKallsymsData = 0xffffffffc0003000;

    void SetUp() override {
        layouts.add("module", "list", kList, 16);
        layouts.add("module", "name", kName, 56);
        layouts.add("module", "kallsyms", kKallsyms, 8);
        layouts.add("mod_kallsyms", "symtab", 0, 8);
        layouts.add("mod_kallsyms", "num_symtab", 8, 4);
        layouts.add("mod_kallsyms", "strtab", 16, 8);
        layouts.add("module", "core_layout.base", kCoreBase, 8);
        layouts.add("module", "core_layout.size", kCoreSize, 4);
        layouts.add("module", "init_layout.base", kInitBase, 8);
        layouts.add("module", "init_layout.size", kInitSize, 4);
        memory.mapZeros(kModules, 16);
        memory.put<uint64_t>(kModules, kFirst + kList);
        addModule(kFirst, "first", kSecond + kList);
        addModule(kSecond, "second", kFirst + kList); // back to the first, not to the head
        // The first module's kallsyms: one symbol, its table outside the dump.
        memory.mapZeros(kKallsymsData, 24);
        memory.put<uint64_t>(kKallsymsData, 0xffffffffc0100000);
        memory.put<uint32_t>(kKallsymsData + 8, 1);
        memory.put<uint64_t>(kKallsymsData + 16, 0xffffffffc0200000);
        memory.put<uint64_t>(kFirst + kKallsyms, kKallsymsData);
    }
    void addModule(uint64_t address, const std::string& name, uint64_t next) {
        memory.mapZeros(address, 0x200);
        memory.put<uint64_t>(address + kList, next);
        memory.putBytes(address + kName, name.c_str(), name.size() + 1);
        memory.put<uint64_t>(address + kCoreBase, address + 0x10000);
        memory.put<uint32_t>(address + kCoreSize, 0x1000);
    }

    testing::FakeMemory memory;
    testing::FakeLayouts layouts;
    const symbols::SymbolTable symbols{{{"modules", kModules, 16, false}}};
};

TEST_F(LoopingModuleList, ReadsEachModuleOnceAndThenSaysWhereTheListLoops) {
    const KernelView view(memory, symbols, layouts, 0);
    auto list = readModules(view);
    ASSERT_TRUE(list.has_value()) << list.error().message;
    ASSERT_EQ(list->modules.size(), 2u);
    EXPECT_EQ(list->modules[0].name, "first");
    EXPECT_EQ(list->modules[0].address, kFirst);
    EXPECT_EQ(list->modules[0].textBase, kFirst + 0x10000);
    EXPECT_EQ(list->modules[0].textSize, 0x1000u);
    EXPECT_EQ(list->modules[1].name, "second");
    // The modules' own warnings first, then the list's.
    EXPECT_EQ(list->warnings,
              (std::vector<std::string>{"module first: its symbol table is not in the dump",
                                        "module list loops at 0xffffffffc0001008"}));
}

} // namespace
} // namespace panicscope::kernel
