// Work that several test processes of one ctest run need (ctest runs each test in a process of
// its own): drgn's reading of a dump, the triage of every dump. The first process to take a
// key's lock computes the text and keeps it in a file named by the key; the others wait and
// read it. Keys name what the text depends on (see fileIdentity), so a stale file is never read.
#pragma once

#include <sys/file.h>
#include <unistd.h>

#include <fcntl.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>

namespace panicscope::testing {

// A file as far as a cached result depends on it: its path, size and modification time.
inline std::string fileIdentity(const std::string& path) {
    namespace fs = std::filesystem;
    return path + " " + std::to_string(fs::file_size(path)) + " " +
           std::to_string(fs::last_write_time(path).time_since_epoch().count());
}

// The running test binary's identity: results it computed are stale once it is rebuilt.
inline std::string selfIdentity() {
    return fileIdentity(std::filesystem::read_symlink("/proc/self/exe").string());
}

inline std::string hashedKey(const std::string& text) {
    std::ostringstream key;
    key << std::hex << std::hash<std::string>{}(text);
    return key.str();
}

// `what` names the kind of result in the file names (drgn, triage); `key` is hashed.
inline std::string computeOnceAcrossProcesses(const std::string& what, const std::string& key,
                                              const std::function<std::string()>& compute) {
    namespace fs = std::filesystem;
    const fs::path dir =
        fs::temp_directory_path() / ("panicscope-" + what + "-" + std::to_string(getuid()));
    fs::create_directories(dir);
    const std::string name = hashedKey(key);
    const fs::path cached = dir / (name + ".txt"), lockPath = dir / (name + ".lock");
    const int lockFd = ::open(lockPath.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (lockFd < 0 || ::flock(lockFd, LOCK_EX) != 0)
        throw std::runtime_error("cannot lock " + lockPath.string());
    struct Unlock {
        int fd;
        ~Unlock() { ::close(fd); }
    } unlock{lockFd};
    if (fs::exists(cached)) {
        std::stringstream text;
        text << std::ifstream(cached).rdbuf();
        return text.str();
    }
    std::string text = compute(); // throws: nothing is kept, the next process tries again
    const fs::path partial = dir / (name + ".txt." + std::to_string(::getpid()));
    std::ofstream(partial) << text;
    fs::rename(partial, cached);
    return text;
}

} // namespace panicscope::testing
