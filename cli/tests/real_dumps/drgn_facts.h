// drgn's reading of a dump (drgn_oracle.py: tasks, run queues, IRQs, values and layouts) as one
// JSON document. drgn takes ~15 s to load a Debian vmlinux, so each dump is read once: the
// document is kept in the test process and in a file keyed by the script and the dump and vmlinux
// files (path, size, mtime), which the other test processes of a ctest run (one per test) reuse.
#pragma once

#include "dump_manifest.h"
#include "run_command.h"

#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <unistd.h>

#include <fcntl.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>

namespace panicscope::testing {

namespace drgn_facts_detail {

inline std::string fileIdentity(const std::string& path) {
    namespace fs = std::filesystem;
    return path + " " + std::to_string(fs::file_size(path)) + " " +
           std::to_string(fs::last_write_time(path).time_since_epoch().count());
}

inline std::string cacheKey(const std::string& script, const DumpRow& row) {
    std::ifstream in(script);
    std::stringstream text;
    text << in.rdbuf();
    const size_t hash = std::hash<std::string>{}(text.str() + "\n" + fileIdentity(row.dump) + "\n" +
                                                 fileIdentity(row.vmlinux));
    std::ostringstream key;
    key << std::hex << hash;
    return key.str();
}

// Runs drgn_oracle.py once for the dump across processes: the first one to take the lock runs
// it, the others wait and read its file.
inline nlohmann::json readOrRun(const std::string& script, const DumpRow& row) {
    namespace fs = std::filesystem;
    const fs::path dir =
        fs::temp_directory_path() / ("panicscope-drgn-" + std::to_string(getuid()));
    fs::create_directories(dir);
    const std::string key = cacheKey(script, row);
    const fs::path cached = dir / (key + ".json"), lockPath = dir / (key + ".lock");
    const int lockFd = ::open(lockPath.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (lockFd < 0 || ::flock(lockFd, LOCK_EX) != 0)
        throw std::runtime_error("cannot lock " + lockPath.string());
    struct Unlock {
        int fd;
        ~Unlock() { ::close(fd); }
    } unlock{lockFd};
    if (fs::exists(cached)) return nlohmann::json::parse(std::ifstream(cached));
    // Debian's python3, where python3-drgn installs, whatever python3 is first on PATH.
    const std::string command = "/usr/bin/python3 " + shellQuoted(script) + " " +
                                shellQuoted(row.dump) + " " + shellQuoted(row.vmlinux) + " 2>&1";
    const CommandResult r = runCommand(command);
    if (r.status != 0)
        throw std::runtime_error("drgn (python3-drgn) failed (" + command + "): " + r.output);
    auto doc = nlohmann::json::parse(r.output);
    const fs::path partial = dir / (key + ".json." + std::to_string(::getpid()));
    std::ofstream(partial) << r.output;
    fs::rename(partial, cached);
    return doc;
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
