// A verb a plugin adds to the CLI: its name, options with help, usage, and what it does with an
// opened Session (text on `out`, or one JSON document when asked). The CLI lists it in its verb
// table beside its own verbs: help, did-you-mean and per-verb options work the same.
#pragma once

#include "model/session.h"

#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace panicscope::plugin {

struct VerbOptionSpec {
    std::string names;                // "-t|--tainted"
    std::optional<std::string> value; // the argument's name, nullopt for a flag
    std::string help;
};

// What the user gave a plugin verb: positional arguments (the dump taken off) and its options,
// by first name ("--state" -> {"D"}; a flag holds one "" per use).
struct VerbCall {
    std::vector<std::string> args;
    std::map<std::string, std::vector<std::string>> given;
    bool json = false;
};

// Prints the verb's output, returns the exit status (0, 1 with one line on `err`).
using VerbRunner = std::function<int(const model::Session& session, const VerbCall& call,
                                     std::ostream& out, std::ostream& err)>;

struct PluginVerb {
    std::string name;
    std::string usage; // "[-t] DUMP"
    std::string summary;
    std::vector<VerbOptionSpec> options;
    size_t minArgs = 0, maxArgs = 0;
    VerbRunner run;
    std::string plugin; // the plugin that registered it
};

} // namespace panicscope::plugin
