// libkdumpfile 0.5.1's kdump_free() writes to a kdump-compressed file's attributes after freeing
// them (upstream issue #72); a process that opened dump after dump (the GUI, a test binary)
// crashed in it after some dozens. DumpFile works around it. ASan cannot see the bug (it is
// inside the uninstrumented library), valgrind sees it on every single open and close: so the
// test runs the panicscope binary under valgrind, in the build without sanitizers.
#include "dump_manifest.h"
#include "run_command.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace panicscope::testing {
namespace {

#ifndef PANICSCOPE_SANITIZE
TEST(Valgrind, FindsNoInvalidAccessOpeningAndClosingAKdumpCompressedDump) {
    const auto& row = manifestRow("irq", "qemu", "mdf-zlib");
    const std::string command = std::string("valgrind -q --error-exitcode=99 ") +
                                PANICSCOPE_BINARY + " bt -a '" + row.dump + "' --vmlinux '" +
                                row.vmlinux + "' 2>&1 >/dev/null";
    const CommandResult r = runCommand(command);
    EXPECT_EQ(r.status, 0) << command << "\n" << r.output;
    EXPECT_EQ(r.output, "");
}
#endif

} // namespace
} // namespace panicscope::testing
