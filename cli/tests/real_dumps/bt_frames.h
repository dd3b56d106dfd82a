// A bt --json task's frames as the kernel prints them, for comparing with the console's traces.
#pragma once

#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

namespace panicscope::testing {

// "function+0xoff" for each kernel frame of a bt --json task, as the kernel prints them (an
// address in no function as the address, "0x0").
inline std::vector<std::string> kernelFrames(const nlohmann::json& task) {
    std::vector<std::string> out;
    for (const auto& f : task["frames"]) {
        if (f["user"].get<bool>() || f["inline"].get<bool>()) continue; // the kernel prints neither
        std::ostringstream s;
        if (f["function"].is_null())
            s << "0x" << std::hex << std::stoull(f["pc"].get<std::string>(), nullptr, 16);
        else
            s << f["function"].get<std::string>() << "+0x" << std::hex
              << f["offset"].get<uint64_t>();
        out.push_back(s.str());
    }
    return out;
}

inline std::string joined(const std::vector<std::string>& frames) {
    std::string s;
    for (const auto& f : frames)
        s += "\n    " + f;
    return s;
}

} // namespace panicscope::testing
