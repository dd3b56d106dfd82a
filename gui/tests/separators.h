// The separator rows of a stack, as (title, the "#N" of the first printed frame after it): read
// from the GUI's StackModel, and worked out on their own from the CLI's `bt --json` document of
// the same trace, so the two can be compared.
#pragma once

#include "stack_model.h"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace panicscope::gui::testing {

using Separators = std::vector<std::pair<std::string, size_t>>;

inline Separators separatorsOf(const StackModel& model) {
    Separators out;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex at = model.index(row, 0);
        const auto kind = StackModel::RowKind(at.data(StackModel::KindRole).toInt());
        if (kind != StackModel::RowKind::StackSection && kind != StackModel::RowKind::Boundary)
            continue;
        // A separator stands right before the row of the frame it belongs to.
        const QModelIndex next = model.index(row + 1, 0);
        out.emplace_back(at.data().toString().toStdString(),
                         next.data(StackModel::FirstPrintedRole).value<size_t>());
    }
    return out;
}

// From one task of `bt --json`: a physical frame's printed frames are its inline ones
// ("inline": true) and then itself. A stack section opens where a physical frame (not the user
// context) is on another stack than the one before it, or the first is not on the task stack;
// a boundary marker stands where "boundary" is set (on a physical frame's first printed frame).
inline Separators separatorsOf(const nlohmann::ordered_json& task) {
    Separators out;
    const auto& frames = task.at("frames");
    std::string previousStack;
    bool firstOfPhysical = true, firstPhysical = true;
    for (const auto& f : frames) {
        if (firstOfPhysical) {
            const std::string stack = f.at("stack").get<std::string>();
            const size_t index = f.at("index").get<size_t>();
            if (!f.at("user").get<bool>() &&
                (firstPhysical ? stack != "task stack" : stack != previousStack))
                out.emplace_back("--- <" + (stack.empty() ? "unknown stack" : stack) + "> ---",
                                 index);
            previousStack = stack;
            firstPhysical = false;
        }
        // The CLI puts a boundary on the first printed frame of its physical frame.
        if (const auto& b = f.at("boundary"); !b.is_null())
            out.emplace_back("=== " + b.at("kind").get<std::string>() + ": " +
                                 b.at("entry").get<std::string>() +
                                 (f.at("user").get<bool>() ? " (from user mode)" : "") + " ===",
                             f.at("index").get<size_t>());
        firstOfPhysical = !f.at("inline").get<bool>();
    }
    return out;
}

} // namespace panicscope::gui::testing
