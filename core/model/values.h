// Plain values the front ends print: no pointers into the session, cheap to copy to a GUI thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace panicscope::model {

struct TaskRef {
    int32_t pid = 0;
    std::string comm;
    uint64_t address = 0;
};

struct DumpInfo {
    std::string dumpPath;
    std::string format;  // "kdump-compressed (zlib)", "ELF core"
    std::string release; // "6.1.0-56-cloud-amd64"
    std::string version; // "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)"
    std::string machine; // "x86_64"
    std::string nodename;
    unsigned cpus = 0;
    std::string panicMessage;
    std::optional<unsigned> panicCpu;
    std::optional<TaskRef> crashingTask;
    std::optional<double> uptimeSeconds;
    uint64_t kaslrOffset = 0;
    std::string vmlinuxPath;
    std::string buildId;
    std::vector<std::string> warnings;
};

struct SymbolInfo {
    std::string query;
    uint64_t address = 0; // the queried address, or the symbol's start for a name query
    std::string name;     // the containing symbol
    uint64_t symbolAddress = 0;
    uint64_t offset = 0; // address - symbolAddress
    uint64_t size = 0;
    bool isFunction = false;
    std::optional<std::string> file;
    std::optional<int> line;
};

} // namespace panicscope::model
