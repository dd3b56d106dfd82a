#include "report/ps_report.h"

#include "util/hex.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string>

namespace panicscope::report {

namespace {

void printHeader(std::ostream& out, const model::TaskRow& t) {
    char line[96];
    std::snprintf(line, sizeof line, "PID: %-7d TASK: %s  CPU: %-3u COMMAND: ", t.pid,
                  hex16(t.address).c_str(), t.cpu);
    out << line << '"' << t.comm << "\"\n";
}

const char* crashState(char state) {
    switch (state) {
    case 'R':
        return "RU";
    case 'S':
        return "IN";
    case 'D':
        return "UN";
    case 'T':
        return "ST";
    case 't':
        return "TR";
    case 'X':
        return "DE";
    case 'Z':
        return "ZO";
    case 'P':
        return "PA";
    case 'I':
        return "ID";
    default:
        return "??";
    }
}

std::string duration(uint64_t seconds) {
    const uint64_t days = seconds / 86400;
    char text[64];
    std::snprintf(text, sizeof text, "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64, seconds / 3600 % 24,
                  seconds / 60 % 60, seconds % 60);
    if (days == 0) return text;
    return std::to_string(days) + (days == 1 ? " day, " : " days, ") + text;
}

} // namespace

void printLastRun(std::ostream& out, const std::vector<model::TaskRow>& tasks) {
    size_t width = 1;
    for (const auto& t : tasks)
        width = std::max(width, std::to_string(t.lastRunNs).size());
    for (const auto& t : tasks) {
        const std::string stamp = std::to_string(t.lastRunNs);
        out << '[' << std::string(width - stamp.size(), ' ') << stamp << "] ["
            << crashState(t.state) << "]  ";
        printHeader(out, t);
    }
}

void printParentChain(std::ostream& out, const std::vector<model::TaskRow>& chain) {
    for (size_t i = 0; i < chain.size(); ++i) {
        out << std::string(i, ' ');
        printHeader(out, chain[i]);
    }
}

void printChildren(std::ostream& out, const model::TaskRow& task,
                   const std::vector<model::TaskRow>& children) {
    printHeader(out, task);
    if (children.empty()) out << "  (no children)\n";
    for (const auto& child : children) {
        out << "  ";
        printHeader(out, child);
    }
}

void printRunTimes(std::ostream& out, const model::TaskRow& task,
                   std::optional<double> uptimeSeconds) {
    printHeader(out, task);
    const uint64_t start = task.startTimeNs / 1000000000;
    const double running = uptimeSeconds.value_or(-1) - static_cast<double>(task.startTimeNs) / 1e9;
    out << "    RUN TIME: ";
    if (uptimeSeconds && running >= 0)
        out << duration(static_cast<uint64_t>(running)) << '\n';
    else
        out << "(unknown)\n";
    out << "  START TIME: " << start << '\n'
        << "       UTIME: " << task.utimeNs << '\n'
        << "       STIME: " << task.stimeNs << '\n';
}

} // namespace panicscope::report
