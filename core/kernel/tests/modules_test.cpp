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

} // namespace
} // namespace panicscope::kernel
