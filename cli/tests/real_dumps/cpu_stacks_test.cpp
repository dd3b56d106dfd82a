// The per-CPU stacks a walk may use, checked on real dumps against what the kernel itself
// points at: the entry stack must end where the CPU's TSS sp0 points (the stack the CPU lands on
// from user mode), and the IST stacks must hold the TSS's IST pointers.
#include "dump_manifest.h"
#include "opened_kernel.h"
#include "unwind/stacks.h"

#include <gtest/gtest.h>

namespace panicscope::testing {
namespace {

class CpuStacks : public ::testing::TestWithParam<const char*> {};

TEST_P(CpuStacks, EntryAndExceptionStacksAreWhereTheTssPoints) {
    const auto& row = manifestRow(GetParam(), "process", "kdump", "kdump-zlib");
    const OpenedKernel kernel(row.dump, row.vmlinux);
    const auto& view = *kernel.view;
    const auto& perCpu = kernel.perCpu;
    auto size = unwind::threadSize(view);
    ASSERT_TRUE(size);
    auto sp0 = view.member("tss_struct", "x86_tss.sp0");
    auto ist = view.member("tss_struct", "x86_tss.ist");
    ASSERT_TRUE(sp0 && ist);
    for (unsigned cpu = 0; cpu < 2; ++cpu) {
        const auto stacks = unwind::cpuStacks(view, *perCpu, cpu, *size);
        auto tss = perCpu->variable(view, "cpu_tss_rw", cpu);
        ASSERT_TRUE(tss) << tss.error().message;
        auto top = view.memory().readU64(*tss + sp0->offset);
        ASSERT_TRUE(top);
        auto entry = std::find_if(stacks.begin(), stacks.end(),
                                  [](const auto& s) { return s.kind == unwind::StackKind::Entry; });
        ASSERT_NE(entry, stacks.end()) << "CPU " << cpu << " has no entry stack";
        EXPECT_EQ(entry->end, *top) << "CPU " << cpu;
        EXPECT_EQ(entry->end - entry->begin, 4096u);
        // ist[0..3]: the tops of the DF, NMI, DB and MCE stacks (IST_INDEX_*), in that order.
        const char* names[] = {"double fault exception stack", "NMI exception stack",
                               "debug exception stack", "machine check exception stack"};
        for (unsigned i = 0; i < 4; ++i) {
            auto istTop = view.memory().readU64(*tss + ist->offset + 8 * i);
            ASSERT_TRUE(istTop);
            auto s = std::find_if(stacks.begin(), stacks.end(),
                                  [&](const auto& r) { return r.name == names[i]; });
            ASSERT_NE(s, stacks.end()) << names[i];
            EXPECT_EQ(s->end, *istTop) << "CPU " << cpu << " " << names[i];
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Generated, CpuStacks, ::testing::ValuesIn(kKernels), [](const auto& info) {
    return caseName({info.param, "process", "kdump", "kdump-zlib"});
});

} // namespace
} // namespace panicscope::testing
