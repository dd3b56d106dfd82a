// Command-line parsing for `panicscope VERB [options] [ARGS...] DUMP`. Each verb declares the
// options it takes (verbs.h); anything else is a usage error, so a typo never passes silently.
#pragma once

#include "util/result.h"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace panicscope::plugin {
class Registry;
}

namespace panicscope::cli {

// One option a verb takes. `names` lists its spellings separated by '|', the first is the one
// verbs ask for ("-a|--active"). `value` names its argument ("STATE"), nullptr for a flag.
struct OptionSpec {
    const char* names;
    const char* value;
    const char* help;
};

struct Verb;

struct Options {
    std::string verb;
    // Every positional argument after the verb; the CLI takes the dump off the end for verbs
    // that open one (see dumpPaths).
    std::vector<std::string> args;
    std::vector<std::string> dumpPaths; // the dump, then --split parts
    // Options every verb that opens a dump takes.
    std::optional<std::string> vmlinux;
    std::vector<std::string> debugDirs;
    bool noVmlinux = false;                // --no-vmlinux: from the dump alone
    std::vector<std::string> moduleDirs;   // --module-dir: where to look for MODULE.ko
    std::vector<std::string> pluginDirs;   // --plugin-dir: where to load plugins from first
    std::optional<std::string> debuginfod; // --debuginfod URL: instead of $DEBUGINFOD_URLS
    bool json = false;
    bool help = false;
    bool version = false;
    bool showProgress = false; // stderr is a terminal: long verbs may draw progress on it

    // The verb's own options, by their first name: has("-l"), value("--state"), values("--comm").
    bool has(std::string_view name) const { return given.contains(std::string(name)); }
    std::optional<std::string> value(std::string_view name) const; // the last one given
    std::vector<std::string> values(std::string_view name) const;  // all, in order

    std::map<std::string, std::vector<std::string>> given; // flags hold one "" per use

    // The run's plugin registry (cli::run sets it; null: the built-ins alone).
    const plugin::Registry* registry = nullptr;
};

// The registry of `options`, else the built-in one.
const plugin::Registry& registryOf(const Options& options);

// The options every verb takes (--vmlinux, --debug-dir, --debuginfod, --split, --json,
// --plugin-dir, -h), for
// help texts.
std::span<const OptionSpec> commonOptions();

// Parses argv against the verbs' option tables. Errc::Usage with a one-line message on bad
// arguments: an unknown verb (with a did-you-mean), an option the verb does not take, a missing
// value, a dump given before the verb.
Result<Options> parseOptions(const std::vector<std::string>& argv, std::span<const Verb> verbs);

} // namespace panicscope::cli
