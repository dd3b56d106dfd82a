// The little expressions the type verbs take, with crash's syntax: `task_struct.comm,pid` (a
// type and the members to print), `init_uts_ns.name.release` (a variable and a member path),
// `runqueues:1`, `runqueues:0,2`, `runqueues:a` (a per-CPU variable on some or all CPUs).
#pragma once

#include "util/result.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace panicscope::types {

// "task_struct.comm,pid" -> {"task_struct", {"comm", "pid"}}; "task_struct.se.vruntime" ->
// {"task_struct", {"se.vruntime"}}; a bare name selects the whole object.
struct TypeSelection {
    std::string type;
    std::vector<std::string> members;
};
Result<TypeSelection> parseTypeSelection(std::string_view text);

struct VariableExpression {
    std::string variable;
    std::string memberPath; // empty: the whole variable
    // nullopt: an ordinary global (or a per-CPU variable's offset); else the CPUs it is read on.
    std::optional<std::vector<unsigned>> cpus;
    bool allCpus = false; // ":a"
};
Result<VariableExpression> parseVariableExpression(std::string_view text);

// A C identifier: letters, digits and '_', not starting with a digit.
bool isIdentifier(std::string_view text);

} // namespace panicscope::types
