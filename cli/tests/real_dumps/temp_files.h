// Names for the files the real-dump tests make (damaged or cut copies of dumps and vmlinux
// files): under the temp directory, with the test process's pid so parallel tests do not meet.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

namespace panicscope::testing {

inline std::string tempPath(const std::string& name) {
    return (std::filesystem::temp_directory_path() /
            ("panicscope-" + std::to_string(::getpid()) + "-" + name))
        .string();
}

} // namespace panicscope::testing
