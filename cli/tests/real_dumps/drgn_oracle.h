// drgn (python3-drgn) as an independent reader of a real dump: runs a Python snippet with `prog`
// opened on the dump and its vmlinux and returns what it printed.
#pragma once

#include "run_command.h"

#include <cstdio>
#include <stdexcept>
#include <string>

namespace panicscope::testing {

// Throws std::runtime_error with the command's status when drgn fails (not installed: the test
// fails, it does not skip).
inline std::string runDrgn(const std::string& dump, const std::string& vmlinux,
                           const std::string& snippet) {
    const std::string script = "import drgn, sys\n"
                               "prog = drgn.Program()\n"
                               "prog.set_core_dump(sys.argv[1])\n"
                               "prog.load_debug_info([sys.argv[2]])\n" +
                               snippet;
    char path[] = "/tmp/panicscope-drgn-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    FILE* f = fdopen(fd, "w");
    fputs(script.c_str(), f);
    fclose(f);
    // Debian's python3, where python3-drgn installs, whatever python3 is first on PATH.
    const std::string command = "/usr/bin/python3 " + std::string(path) + " " + shellQuoted(dump) +
                                " " + shellQuoted(vmlinux) + " 2>&1";
    const CommandResult r = runCommand(command);
    std::remove(path);
    if (r.status != 0) throw std::runtime_error("drgn failed (" + command + "): " + r.output);
    return r.output;
}

} // namespace panicscope::testing
