// Where a complete kernel stack may end: at the user-mode registers, or at the first frame of
// a kernel thread or of an idle task (each kernel names its start code a little differently).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace panicscope::testing {

// The function of a bt --json task's last frame ("" when unnamed).
inline std::string lastFunction(const nlohmann::json& task) {
    const auto& last = task["frames"].back();
    return last["function"].is_null() ? "" : last["function"].get<std::string>();
}

inline bool endsAtStackBottom(const nlohmann::json& task) {
    if (task["frames"].empty()) return false;
    if (task["frames"].back()["user"].get<bool>()) return true;
    const std::string fn = lastFunction(task);
    return fn == "ret_from_fork" || fn == "ret_from_fork_asm" ||
           fn.starts_with("secondary_startup_64") || fn == "common_startup_64" ||
           fn == "start_kernel" || fn.starts_with("x86_64_start");
}

} // namespace panicscope::testing
