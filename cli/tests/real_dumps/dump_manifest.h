// The generated real dumps (testdata/generate.sh): where the manifest is and what it lists.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace panicscope::testing {

struct DumpRow {
    std::string kernel, scenario, method, format, dump, console, vmlinux;
};

// Reads the manifest named by $PANICSCOPE_MANIFEST, else by the file the ctest fixture
// `generate_dumps` wrote. Throws std::runtime_error saying what to run when there is none: the
// real-dump tests fail, never skip, without their dumps.
const std::vector<DumpRow>& manifestRows();

// One generated dump: what the tests are parametrized by.
struct DumpCase {
    const char* kernel;
    const char* scenario;
    const char* method;
    const char* format;
};

// The kernels generate.sh boots by default (testdata/README.md), the first one the main one.
inline constexpr const char* kMainKernel = "6.1.0-56-cloud-amd64";
// The frame-pointer kernel generate.sh builds from Debian's linux-source-6.1 (no ORC, no modules).
inline constexpr const char* kFramePointerKernel = "6.1.192";
inline constexpr const char* kKernels[] = {kMainKernel, "6.12.117+deb12-cloud-amd64",
                                           kFramePointerKernel};

// Every dump generate.sh makes by default: for each kernel, each sysrq scenario's QEMU capture
// in each format and its real kdump capture, and (kernels with modules) each test-module crash
// mode by kdump.
std::vector<DumpCase> generatedCases();

// A gtest parameter name for a case: "k6_1_irq_qemu_mdf_zlib", "fp6_1_nmi_kdump_kdump_zlib".
std::string caseName(const DumpCase& c);

// The row for one generated dump; throws std::runtime_error naming it when absent.
const DumpRow& manifestRow(const std::string& kernel, const std::string& scenario,
                           const std::string& method, const std::string& format);
// The same on the main kernel.
const DumpRow& manifestRow(const std::string& scenario, const std::string& method,
                           const std::string& format);
inline const DumpRow& manifestRow(const DumpCase& c) {
    return manifestRow(c.kernel, c.scenario, c.method, c.format);
}

} // namespace panicscope::testing
