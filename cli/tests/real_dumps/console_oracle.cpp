#include "console_oracle.h"

#include <fstream>
#include <regex>
#include <stdexcept>

namespace panicscope::testing {

ConsoleOracle readConsole(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read console log " + path);
    static const std::regex stamped(R"(^\[ *\d+\.\d{6}\] (.*)$)");
    static const std::regex banner(R"(Linux version (\S+) )");
    // 6.12 prints "pid:N tgid:N ppid:N", 6.1 "pid:N ppid:N".
    static const std::regex task(
        R"(task:(\S.*?) +state:(\S) .*\bpid:(\d+) +(?:tgid:\d+ +)?ppid:(\d+))");
    static const std::regex cpuLine(R"(^CPU: (\d+) (?:UID: \d+ )?PID: (\d+) Comm: (\S+))");
    static const std::regex psctx(R"(PSCTX (before|after) pid=(\d+) vol=(\d+) nonvol=(\d+))");
    // "function+0xoff/0xsize", with " [module]" for module code (compared without it).
    static const std::regex frameLine(R"(^ +(\S+\+0x[0-9a-f]+)/0x[0-9a-f]+( \[\S+\])?$)");
    // "RIP: 0010:" and a frame like those, or the bare address of one in no symbol
    // ("RIP: 0010:0x0" after a call through a NULL function pointer).
    static const std::regex ripLine(
        R"(^RIP: 0010:(\S+\+0x[0-9a-f]+(?=/)|0x[0-9a-f]+$)(/0x[0-9a-f]+( \[\S+\])?)?$)");
    const std::string panicPrefix = "Kernel panic - not syncing: ";
    // "? function+0xoff/0xsize": a return address the kernel only found by scanning.
    static const std::regex guessLine(R"(^ +\? (\S+\+0x[0-9a-f]+)/0x[0-9a-f]+( \[\S+\])?$)");
    std::vector<std::string>* trace = nullptr; // the trace being collected
    bool afterRip = false; // only "?" lines (and registers) since the last RIP: frame
    // Adds a trace line to `trace`; false when the line ends it.
    auto traceLine = [&](const std::string& text) {
        std::smatch f;
        if (text.find("</TASK>") != std::string::npos) return false;
        if (std::regex_match(text, f, ripLine)) {
            trace->push_back(f[1]);
            afterRip = true;
        } else if (std::regex_match(text, f, frameLine)) {
            trace->push_back(f[1]);
            afterRip = false;
        } else if (afterRip && std::regex_match(text, f, guessLine)) {
            trace->push_back("?" + f[1].str());
        }
        return true;
    };

    static const std::regex oopsMark(R"( \[#1\])");
    ConsoleOracle c;
    int banners = 0;
    bool panicked = false;
    // sysrq-t runs between the generator's "PSCTX before" and "PSCTX after" lines; task lines
    // elsewhere (a hung-task report) are not its.
    bool sawBefore = false, sawAfter = false;
    bool inOops = false;
    std::vector<std::string> recent; // the last few texts, to find an oops report's first line
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
            line.pop_back();
        std::smatch m;
        if (std::regex_search(line, m, psctx)) {
            (m[1] == "before" ? sawBefore : sawAfter) = true;
            auto& table = m[1] == "before" ? c.switchesBefore : c.switchesAfter;
            table[std::stoi(m[2])] = {std::stoull(m[3]), std::stoull(m[4])};
            continue;
        }
        if (!std::regex_match(line, m, stamped)) continue;
        const std::string text = m[1];
        if (std::regex_search(text, m, banner) && text.starts_with("Linux version")) {
            if (++banners == 2) break; // the kdump capture kernel boots
            c.release = m[1];
        }
        if (trace && !traceLine(text)) trace = nullptr;
        if (panicked) {
            if (!c.panicCpu && std::regex_search(text, m, cpuLine)) {
                c.panicCpu = std::stoul(m[1]);
                c.panicPid = std::stoi(m[2]);
                c.panicComm = m[3];
            }
            continue; // after the panic the console may have more than the dump
        }
        c.kernelLines.push_back(line);
        if (!c.oopsHead && std::regex_search(text, oopsMark)) {
            inOops = true;
            for (auto it = recent.rbegin(); it != recent.rend(); ++it)
                if (it->starts_with("BUG: ") || it->starts_with("kernel BUG at ")) c.oopsHead = *it;
            if (!c.oopsHead) c.oopsHead = text;
        } else if (inOops && !c.oopsCpu && std::regex_search(text, m, cpuLine)) {
            c.oopsCpu = std::stoul(m[1]);
            c.oopsPid = std::stoi(m[2]);
            c.oopsComm = m[3];
        } else if (inOops && c.oopsTrace.empty() && std::regex_match(text, m, ripLine)) {
            c.oopsTrace.push_back(m[1]);
            trace = &c.oopsTrace;
            afterRip = true;
            inOops = false;
        }
        recent.push_back(text);
        if (recent.size() > 4) recent.erase(recent.begin());
        if (sawBefore && !sawAfter && std::regex_search(text, m, task)) {
            c.sysrqTasks.push_back({m[1], m[2].str()[0], std::stoi(m[3]), std::stoi(m[4])});
            trace = &c.sysrqTraces[std::stoi(m[3])];
            afterRip = false;
        }
        if (text.starts_with(panicPrefix)) {
            c.panicMessage = text.substr(panicPrefix.size());
            panicked = true;
            trace = &c.panicTrace;
            afterRip = false;
        }
    }
    if (c.release.empty()) throw std::runtime_error(path + " has no 'Linux version' banner");
    return c;
}

bool sameFrames(std::span<const std::string> ours, std::span<const std::string> kernel) {
    size_t j = 0;
    for (const std::string& k : kernel) {
        if (k.starts_with("?")) {
            if (j < ours.size() && ours[j] == std::string_view(k).substr(1)) ++j;
        } else if (j < ours.size() && ours[j] == k) {
            ++j;
        } else {
            return false;
        }
    }
    return j == ours.size();
}

} // namespace panicscope::testing
