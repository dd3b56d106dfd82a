// The registry of what plugins add: verbs, triage rules and output formats, with a record of
// every plugin loaded (and refused). Filled explicitly at start-up: registerBuiltins() (the
// built-in triage classifiers and formats), then loadPlugins() (out-of-tree shared objects);
// nothing registers itself from a static initializer. One Registry per run of the CLI.
#pragma once

#include "plugin/output_format.h"
#include "plugin/plugin_verb.h"
#include "plugin/triage_rule.h"
#include "util/result.h"

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace panicscope::plugin {

struct PluginRecord {
    std::string name;
    std::string version;
    std::string description;
    std::string path; // the shared object; "" for the built-in plugin
    uint32_t abiVersion = 0;
    std::vector<std::string> verbs, triageRules, formats; // what it registered
};

struct PluginRefusal {
    std::string path;   // the shared object (or directory) refused
    std::string reason; // one line
};

// One plugin's contributions, added all together or not at all.
struct Contribution {
    PluginRecord record;
    std::vector<PluginVerb> verbs;
    std::vector<TriageRule> triageRules;
    std::vector<OutputFormat> formats;
};

class Registry {
  public:
    // Verb names taken by others (the CLI's own verbs): a plugin verb may not reuse them.
    void reserveVerbNames(const std::vector<std::string>& names);

    // Adds a plugin's contributions. Errc::Usage, and nothing added, for a plugin name, verb,
    // triage rule or format name already registered, or an empty one.
    Result<void> add(Contribution contribution);
    void refuse(PluginRefusal refusal);

    const std::deque<PluginVerb>& verbs() const { return verbs_; }
    const std::vector<TriageRule>& triageRules() const { return rules_; }
    const std::vector<OutputFormat>& formats() const { return formats_; }
    const std::vector<PluginRecord>& plugins() const { return plugins_; }
    const std::vector<PluginRefusal>& refused() const { return refused_; }

    const PluginVerb* findVerb(std::string_view name) const;
    const OutputFormat* findFormat(std::string_view name) const;

  private:
    std::vector<std::string> reservedVerbs_;
    std::deque<PluginVerb> verbs_; // a deque: the CLI keeps pointers to the names
    std::vector<TriageRule> rules_;
    std::vector<OutputFormat> formats_;
    std::vector<PluginRecord> plugins_;
    std::vector<PluginRefusal> refused_;
};

// Registers the built-in triage classifiers and output formats (plugins/builtin/).
void registerBuiltins(Registry& registry);

// A registry with the built-ins alone, built once: what triage uses when it is given no
// registry (the library's callers without plugins, the unit tests).
const Registry& builtinRegistry();

} // namespace panicscope::plugin
