// A CPU that kdump's NMI stopped in user mode: bt -a prints its user registers as the kernel's
// show_regs() does, and --json carries them as the user frame's boundary regs. The oracle: the
// NMI's pt_regs, which the entry code saved at the top of the task's stack (an NMI from user
// mode runs on the thread stack), read here by the kernel's own struct layout.
#include "dump_manifest.h"
#include "opened_kernel.h"
#include "run_cli.h"
#include "unwind/stacks.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdio>
#include <optional>

namespace panicscope::testing {
namespace {

using nlohmann::json;

std::string hex(uint64_t v) {
    char s[24];
    std::snprintf(s, sizeof s, "0x%llx", static_cast<unsigned long long>(v));
    return s;
}

// A CPU's task that was in user mode when kdump's NMI stopped it, in a `bt -a --json` document.
json::const_iterator userModeTask(const json& tasks) {
    return std::find_if(tasks.begin(), tasks.end(), [](const json& t) {
        return t["frames"].size() == 1 && t["frames"][0]["user"].get<bool>();
    });
}

// The first kdump capture of the kernel in which a CPU was in user mode. Before the process
// scenario's crash the guest leaves CPU 1 to the workload's user-mode spinner, so that boot
// has one nearly always; in the others the spinner shares CPU 1 with a `cat` that is mostly in
// the kernel, and which one a boot catches is the scheduler's choice.
std::optional<DumpRow> userModeCapture(const std::string& kernel) {
    for (const char* scenario : {"process", "nmi", "irq"})
        for (const DumpRow& row : manifestRows()) {
            if (row.kernel != kernel || row.scenario != scenario || row.method != "kdump" ||
                row.format != "kdump-zlib")
                continue;
            const auto r = runCli({"bt", "-a", "--json", row.dump, "--vmlinux", row.vmlinux});
            const json tasks = json::parse(r.out)["tasks"];
            if (r.status == 0 && userModeTask(tasks) != tasks.end()) return row;
        }
    return std::nullopt;
}

class UserModeCpu : public ::testing::TestWithParam<const char*> {};

TEST_P(UserModeCpu, PrintsTheUserRegisters) {
    const auto found = userModeCapture(GetParam());
    ASSERT_TRUE(found) << "no kdump capture of " << GetParam() << " caught a CPU in user mode";
    const DumpRow& row = *found;
    const auto r = runCli({"bt", "-a", "--json", row.dump, "--vmlinux", row.vmlinux});
    ASSERT_EQ(r.status, 0) << r.err;
    const json tasks = json::parse(r.out)["tasks"];
    const auto user = userModeTask(tasks);
    ASSERT_NE(user, tasks.end()) << "no CPU in user mode in " << row.dump;
    const json& boundary = (*user)["frames"][0]["boundary"];
    ASSERT_TRUE(boundary.is_object()) << user->dump(2);
    EXPECT_EQ(boundary["kind"], "cpu");
    EXPECT_TRUE(boundary["regs_address"].is_null());

    // The pt_regs at the top of the task's stack, member by member.
    OpenedKernel k(row.dump, row.vmlinux);
    const uint64_t task = std::stoull((*user)["task"].get<std::string>(), nullptr, 16);
    auto stack = k.view->readField(task, "task_struct", "stack");
    auto threadSize = unwind::threadSize(*k.view);
    auto regsSize = k.view->layouts().sizeOf("pt_regs");
    ASSERT_TRUE(stack && threadSize && regsSize);
    const uint64_t regs = *stack + *threadSize - *regsSize;
    std::map<std::string, uint64_t> saved;
    for (const char* name :
         {"ip", "cs", "flags", "sp", "ss",  "orig_ax", "ax",  "bx",  "cx",  "dx", "si",
          "di", "bp", "r8",    "r9", "r10", "r11",     "r12", "r13", "r14", "r15"}) {
        auto v = k.view->readField(regs, "pt_regs", name);
        ASSERT_TRUE(v) << name << ": " << v.error().message;
        saved[name] = *v;
        EXPECT_EQ(boundary["regs"][name], hex(*v)) << name;
    }
    EXPECT_EQ(saved["cs"] & 3, 3u) << "not user-mode registers";

    // The text: the kernel's show_regs() lines for a user-mode context.
    const auto text = runCli({"bt", "-a", row.dump, "--vmlinux", row.vmlinux});
    ASSERT_EQ(text.status, 0) << text.err;
    char line[160];
    std::snprintf(line, sizeof line,
                  "    RIP: %04llx:0x%llx\n    RSP: %04llx:%016llx EFLAGS: %08llx",
                  (unsigned long long)saved["cs"], (unsigned long long)saved["ip"],
                  (unsigned long long)saved["ss"], (unsigned long long)saved["sp"],
                  (unsigned long long)saved["flags"]);
    EXPECT_NE(text.out.find(std::string(" (the CPU was in user mode at ") + hex(saved["ip"]) +
                            ")\n" + line),
              std::string::npos)
        << line << "\n"
        << text.out;
    std::snprintf(line, sizeof line, "    RAX: %016llx RBX: %016llx RCX: %016llx\n",
                  (unsigned long long)saved["ax"], (unsigned long long)saved["bx"],
                  (unsigned long long)saved["cx"]);
    EXPECT_NE(text.out.find(line), std::string::npos) << line << "\n" << text.out;
    std::snprintf(line, sizeof line, "    R13: %016llx R14: %016llx R15: %016llx\n",
                  (unsigned long long)saved["r13"], (unsigned long long)saved["r14"],
                  (unsigned long long)saved["r15"]);
    EXPECT_NE(text.out.find(line), std::string::npos) << line << "\n" << text.out;
}

// Each kernel's kdump captures (nmi, irq, process) where the other CPU ran the workload's
// user-mode spinner.
INSTANTIATE_TEST_SUITE_P(KdumpNmi, UserModeCpu,
                         ::testing::Values(kMainKernel, "6.12.117+deb12-cloud-amd64",
                                           kFramePointerKernel),
                         [](const auto& info) {
                             std::string name = info.param;
                             for (char& c : name)
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             return "k" + name;
                         });

} // namespace
} // namespace panicscope::testing
