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
    const char* scenario;
    const char* method;
    const char* format;
};

// Every dump generate.sh makes for the pinned kernel by default (testdata/README.md): each
// scenario's QEMU capture in each format, and its real kdump capture.
std::vector<DumpCase> generatedCases();

// A gtest parameter name for a case: "irq_qemu_mdf_zlib".
std::string caseName(const DumpCase& c);

// The row for one generated dump; throws std::runtime_error naming it when absent.
const DumpRow& manifestRow(const std::string& scenario, const std::string& method,
                           const std::string& format);

} // namespace panicscope::testing
