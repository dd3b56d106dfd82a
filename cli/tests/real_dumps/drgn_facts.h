// drgn's reading of a dump (drgn_oracle.py: tasks, run queues, IRQs, values and layouts) as one
// JSON document. drgn takes ~15 s to load a Debian vmlinux, so each dump is read once: the
// document is kept in the test process and shared with the other test processes of a ctest run
// (shared_result.h).
#pragma once

#include "dump_manifest.h"
#include "run_command.h"

#include "shared_result.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>

namespace panicscope::testing {

namespace drgn_facts_detail {

// Runs drgn_oracle.py once for the dump across the test processes; the key holds the script's
// text and the dump and vmlinux files' identities.
inline nlohmann::json readOrRun(const std::string& script, const DumpRow& row) {
    std::ifstream in(script);
    std::stringstream scriptText;
    scriptText << in.rdbuf();
    const std::string key =
        scriptText.str() + "\n" + fileIdentity(row.dump) + "\n" + fileIdentity(row.vmlinux);
    return nlohmann::json::parse(computeOnceAcrossProcesses("drgn", key, [&] {
        // Debian's python3, where python3-drgn installs, whatever python3 is first on PATH.
        const std::string command = "/usr/bin/python3 " + shellQuoted(script) + " " +
                                    shellQuoted(row.dump) + " " + shellQuoted(row.vmlinux) +
                                    " 2>&1";
        const CommandResult r = runCommand(command);
        if (r.status != 0)
            throw std::runtime_error("drgn (python3-drgn) failed (" + command + "): " + r.output);
        if (!nlohmann::json::accept(r.output)) // only a whole document is kept
            throw std::runtime_error("drgn (python3-drgn) printed no JSON document: " + r.output);
        return r.output;
    }));
}

} // namespace drgn_facts_detail

// Throws std::runtime_error with drgn's output when it fails (drgn not installed: the test
// fails, it does not skip).
inline const nlohmann::json& drgnFacts(const DumpRow& row) {
    static std::mutex lock;
    static std::map<std::string, nlohmann::json> byDump;
    std::lock_guard guard(lock);
    if (auto it = byDump.find(row.dump); it != byDump.end()) return it->second;
    const std::string script = PANICSCOPE_SOURCE_DIR "/cli/tests/real_dumps/drgn_oracle.py";
    return byDump.emplace(row.dump, drgn_facts_detail::readOrRun(script, row)).first->second;
}

} // namespace panicscope::testing
