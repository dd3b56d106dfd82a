// One record of the kernel log, as the printk ring buffer stores it: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace panicscope::kernel {

struct LogRecord {
    uint64_t seq = 0;
    uint64_t timestampNs = 0; // local_clock() at printk time
    int level = 0;            // 0 (emerg) .. 7 (debug)
    int facility = 0;
    uint32_t callerId = 0;
    std::string text; // without a trailing newline; may hold embedded newlines
    bool operator==(const LogRecord&) const = default;
};

struct KernelLog {
    std::vector<LogRecord> records; // by sequence number
    std::vector<std::string> warnings;
};

// "[    8.727927] text" as the console and dmesg print a record; one line per text line.
std::vector<std::string> formatLogLines(const LogRecord& record);

} // namespace panicscope::kernel
