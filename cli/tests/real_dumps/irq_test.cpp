// irq on real dumps against drgn's reading of the interrupt descriptors (drgn_oracle.py's irqs):
// every IRQ with an action, its per-CPU counts, action names and handler symbols -- from
// irq_desc_tree on 6.1 and the frame-pointer 6.1, from the sparse_irqs maple tree on 6.12.
#include "drgn_facts.h"
#include "dump_manifest.h"
#include "run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace panicscope::testing {
namespace {

// One line per IRQ: number, counts, action names, handler names; from either document.
std::string irqLines(const nlohmann::json& irqs, const char* names, const char* handlers) {
    std::string out;
    for (const auto& irq : irqs) {
        std::string counts, actionNames, handlerNames;
        for (const auto& c : irq["counts"])
            counts += (counts.empty() ? "" : ",") + std::to_string(c.get<uint64_t>());
        for (const auto& n : irq[names])
            actionNames += (actionNames.empty() ? "" : ",") + n.get<std::string>();
        for (const auto& h : irq[handlers])
            handlerNames += (handlerNames.empty() ? "" : ",") + h.get<std::string>();
        out += std::to_string(irq["irq"].get<uint64_t>()) + " " + counts + " " + actionNames + " " +
               handlerNames + "\n";
    }
    return out;
}

// panicscope's JSON in the same shape: actions[].name and actions[].handler_name as lists.
nlohmann::json flattened(const nlohmann::json& irqs) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& irq : irqs) {
        nlohmann::json flat = {{"irq", irq["irq"]}, {"counts", irq["counts"]}};
        for (const auto& a : irq["actions"]) {
            flat["names"].push_back(a["name"]);
            flat["handlers"].push_back(a["handler_name"]);
        }
        out.push_back(flat);
    }
    return out;
}

class Irq : public ::testing::TestWithParam<const char*> {};

TEST_P(Irq, EqualsDrgnsReadingOfTheDescriptors) {
    const auto& row = manifestRow(GetParam(), "process", "kdump", "kdump-zlib");
    auto r = runCli({"irq", "--json", row.dump, "--vmlinux", row.vmlinux});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto doc = nlohmann::json::parse(r.out);
    ASSERT_GT(doc["irqs"].size(), 2u);
    EXPECT_EQ(irqLines(flattened(doc["irqs"]), "names", "handlers"),
              irqLines(drgnFacts(row)["irqs"], "names", "handlers"));
    EXPECT_EQ(doc["warnings"].size(), 0u) << doc["warnings"];
}

INSTANTIATE_TEST_SUITE_P(Kernels, Irq, ::testing::ValuesIn(kKernels), [](const auto& info) {
    const std::string kernel = info.param;
    return kernel == kFramePointerKernel ? std::string("fp6_1")
           : kernel == kMainKernel       ? std::string("k6_1")
                                         : std::string("k6_12");
});

} // namespace
} // namespace panicscope::testing
