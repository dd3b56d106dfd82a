// irq on real dumps against drgn's walk of irq_desc_tree (drgn_irqs.py): every IRQ with an
// action, its per-CPU counts, action names and handler symbols. 6.12 keeps its descriptors in a
// maple tree, which irq refuses by name.
#include "dump_manifest.h"
#include "run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>

namespace panicscope::testing {
namespace {

std::string drgnIrqs(const DumpRow& row) {
    const std::string command = std::string("/usr/bin/python3 ") + PANICSCOPE_SOURCE_DIR +
                                "/cli/tests/real_dumps/drgn_irqs.py '" + row.dump + "' '" +
                                row.vmlinux + "' 2>&1";
    std::string text;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return text;
    char buffer[4096];
    while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
        text.append(buffer, n);
    ::pclose(pipe);
    return text;
}

// The JSON in drgn_irqs.py's line format.
std::string asDrgnLines(const nlohmann::json& doc) {
    std::string out;
    for (const auto& irq : doc["irqs"]) {
        std::string counts, names, handlers;
        for (const auto& c : irq["counts"])
            counts += (counts.empty() ? "" : ",") + std::to_string(c.get<uint64_t>());
        for (const auto& a : irq["actions"]) {
            names += (names.empty() ? "" : ",") + a["name"].get<std::string>();
            handlers += (handlers.empty() ? "" : ",") + a["handler_name"].get<std::string>();
        }
        out += std::to_string(irq["irq"].get<uint64_t>()) + " " + counts + " " + names + " " +
               handlers + "\n";
    }
    return out;
}

class Irq : public ::testing::TestWithParam<const char*> {};

TEST_P(Irq, EqualsDrgnsWalkOfTheDescriptorTree) {
    const auto& row = manifestRow(GetParam(), "irq", "kdump", "kdump-zlib");
    auto r = runCli({"irq", "--json", row.dump, "--vmlinux", row.vmlinux});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto doc = nlohmann::json::parse(r.out);
    ASSERT_GT(doc["irqs"].size(), 2u);
    EXPECT_EQ(asDrgnLines(doc), drgnIrqs(row));
    EXPECT_EQ(doc["warnings"].size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Kernels, Irq, ::testing::Values(kMainKernel, kFramePointerKernel),
                         [](const auto& info) {
                             return std::string(info.param) == kMainKernel ? "k6_1" : "fp6_1";
                         });

TEST(IrqOnAMapleTreeKernel, SaysWhatItDoesNotRead) {
    const auto& row = manifestRow("6.12.117+deb12-cloud-amd64", "irq", "kdump", "kdump-zlib");
    auto r = runCli({"irq", row.dump, "--vmlinux", row.vmlinux});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "panicscope: irq: this kernel keeps its interrupt descriptors in a maple tree "
                     "(sparse_irqs, 6.5+), which panicscope does not read yet\n");
}

} // namespace
} // namespace panicscope::testing
