// The built-in plugin: panicscope's own triage classifiers and output formats, written against
// the same registry as out-of-tree plugins. registerBuiltins() (core/plugin/registry.h) adds
// them; the order of the header rules is the order they are tried in.
#pragma once

#include "plugin/output_format.h"
#include "plugin/triage_rule.h"

#include <vector>

namespace panicscope::builtin {

// One rule per kind of report header: "BUG: kernel NULL pointer dereference", "WARNING:", ...
std::vector<plugin::TriageRule> crashHeaderRules();
// The panic messages that stand for a kind when the log holds no report ("sysrq triggered
// crash", "softlockup: hung tasks", ...).
plugin::TriageRule panicMessageRule();
// "text" (what `triage` prints) and "json" (one `triage --json` record a line).
std::vector<plugin::OutputFormat> triageFormats();

} // namespace panicscope::builtin
