#include "options.h"

#include "plugin/registry.h"

#include "spelling.h"
#include "verbs.h"

#include <algorithm>
#include <array>
#include <filesystem>

namespace panicscope::cli {

namespace {

constexpr std::array kCommonOptions = {
    OptionSpec{"--vmlinux", "FILE",
               "the vmlinux with debug info; by default found by the dump's build ID in "
               "/usr/lib/debug/.build-id, then from the dump's release in "
               "/usr/lib/debug/boot/vmlinux-RELEASE, /usr/lib/debug/lib/modules/RELEASE/vmlinux, "
               "/boot/vmlinux-RELEASE and /lib/modules/RELEASE/build/vmlinux, then from "
               "debuginfod"},
    OptionSpec{"--debug-dir", "DIR",
               "look for the vmlinux and the modules' debug files in DIR first, by build ID "
               "(DIR/.build-id/xx/rest.debug), then the vmlinux by release name (repeatable)"},
    OptionSpec{"--debuginfod", "URL",
               "fetch the vmlinux and the modules' debug files by build ID from these debuginfod "
               "servers (separated by spaces) when they are not on disk; default "
               "$DEBUGINFOD_URLS, '' for none"},
    OptionSpec{"--no-vmlinux", nullptr,
               "work from the dump alone (kallsyms, BTF and ORC from its memory; no file:line) "
               "even when a vmlinux could be found; what happens anyway when none is found"},
    OptionSpec{"--module-dir", "DIR",
               "searched recursively for MODULE.ko with debug info, for file:line and inline "
               "frames of module code; plain .ko files only (not .ko.xz/.ko.zst); a .ko of "
               "another build is ignored with a warning (repeatable)"},
    OptionSpec{"--split", "FILE", "another part of a makedumpfile --split dump set (repeatable)"},
    OptionSpec{"--json", nullptr, "print one JSON document on stdout (docs/json-schema.md)"},
    OptionSpec{"--plugin-dir", "DIR",
               "load the plugins (*.so) in DIR, before those of $PANICSCOPE_PLUGIN_PATH and the "
               "install's plugin directory (repeatable)"},
    OptionSpec{"-h|--help", nullptr, "this help"},
};

// The option `arg` names ("--state" in "--state=D" too), among `specs`.
const OptionSpec* findSpec(std::span<const OptionSpec> specs, std::string_view name) {
    for (const auto& spec : specs) {
        std::string_view names = spec.names;
        while (!names.empty()) {
            const size_t bar = names.find('|');
            if (names.substr(0, bar) == name) return &spec;
            names = bar == std::string_view::npos ? "" : names.substr(bar + 1);
        }
    }
    return nullptr;
}

std::string firstName(const OptionSpec& spec) {
    std::string_view names = spec.names;
    return std::string(names.substr(0, names.find('|')));
}

void storeCommon(Options& o, const std::string& name, const std::string& value) {
    if (name == "--vmlinux")
        o.vmlinux = value;
    else if (name == "--debug-dir")
        o.debugDirs.push_back(value);
    else if (name == "--no-vmlinux")
        o.noVmlinux = true;
    else if (name == "--module-dir")
        o.moduleDirs.push_back(value);
    else if (name == "--debuginfod")
        o.debuginfod = value;
    else if (name == "--split")
        o.dumpPaths.push_back(value);
    else if (name == "--json")
        o.json = true;
    else if (name == "--plugin-dir")
        o.pluginDirs.push_back(value);
    else if (name == "-h")
        o.help = true;
}

Error unknownVerb(std::span<const Verb> verbs, const std::string& word) {
    if (std::filesystem::is_regular_file(word))
        return Error{Errc::Usage, "'" + word +
                                      "' is a file, not a verb: the verb comes first and the "
                                      "dump last, e.g. 'panicscope bt " +
                                      word + "'"};
    std::vector<std::string_view> names;
    for (const auto& v : verbs)
        names.push_back(v.name);
    std::string message = "unknown command '" + word + "'";
    if (auto guess = closestName(word, names)) message += "; did you mean '" + *guess + "'?";
    return Error{Errc::Usage, message};
}

// Splits "-abc" into "-a" "-b" "-c" when each is a flag of the verb (crash's `bt -al`).
std::optional<std::vector<std::string>> bundledFlags(std::span<const OptionSpec> specs,
                                                     const std::string& arg) {
    if (arg.size() < 3 || arg[0] != '-' || arg[1] == '-') return std::nullopt;
    std::vector<std::string> flags;
    for (char c : arg.substr(1)) {
        std::string flag{'-', c};
        const OptionSpec* spec = findSpec(specs, flag);
        if (!spec || spec->value) return std::nullopt;
        flags.push_back(flag);
    }
    return flags;
}

// Where the verb is: the first word that is neither an option nor an option's value.
Result<size_t> verbPosition(const std::vector<std::string>& argv) {
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a.empty() || a[0] != '-') return i;
        const std::string name = a.substr(0, a.find('='));
        const OptionSpec* spec = findSpec(kCommonOptions, name);
        if (name == "--version") continue;
        if (!spec)
            return fail(Errc::Usage, "option '" + a + "' before the verb: write 'panicscope VERB " +
                                         a + " ... DUMP'");
        if (spec->value && a.find('=') == std::string::npos) ++i;
    }
    return argv.size();
}

// "panicscope DUMP [options]": a dump alone, without a verb, opens the shell on it. nullopt
// when argv is not that (a file with more words keeps its "the verb comes first" error).
std::optional<Options> implicitShell(const std::vector<std::string>& argv,
                                     std::span<const Verb> verbs) {
    auto at = verbPosition(argv);
    if (!at || *at >= argv.size() || findVerb(verbs, argv[*at]) || !findVerb(verbs, "shell"))
        return std::nullopt;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(argv[*at], ec)) return std::nullopt;
    std::vector<std::string> withVerb = argv;
    withVerb.insert(withVerb.begin() + static_cast<ptrdiff_t>(*at), "shell");
    auto options = parseOptions(withVerb, verbs);
    if (!options || options->help || options->version || options->args.size() != 1)
        return std::nullopt;
    return *options;
}

} // namespace

std::optional<std::string> Options::value(std::string_view name) const {
    auto it = given.find(std::string(name));
    if (it == given.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

std::vector<std::string> Options::values(std::string_view name) const {
    auto it = given.find(std::string(name));
    return it == given.end() ? std::vector<std::string>{} : it->second;
}

const Verb* findVerb(std::span<const Verb> verbs, std::string_view name) {
    for (const auto& v : verbs)
        if (name == v.name) return &v;
    return nullptr;
}

const plugin::Registry& registryOf(const Options& options) {
    return options.registry ? *options.registry : plugin::builtinRegistry();
}

std::span<const OptionSpec> commonOptions() {
    return kCommonOptions;
}

Result<Options> parseOptions(const std::vector<std::string>& argv, std::span<const Verb> verbs) {
    if (auto shell = implicitShell(argv, verbs)) return *shell;
    Options o;
    auto at = verbPosition(argv);
    if (!at) return tl::unexpected(at.error());
    const Verb* verb = nullptr;
    if (*at < argv.size()) {
        o.verb = argv[*at];
        if (o.verb == "help") { // "panicscope help [VERB]"
            o.help = true;
            o.verb = *at + 1 < argv.size() ? argv[*at + 1] : "";
            if (!o.verb.empty() && !findVerb(verbs, o.verb))
                return tl::unexpected(unknownVerb(verbs, o.verb));
            return o;
        }
        verb = findVerb(verbs, o.verb);
    }
    std::vector<OptionSpec> specs(kCommonOptions.begin(), kCommonOptions.end());
    if (verb) specs.insert(specs.end(), verb->options.begin(), verb->options.end());

    for (size_t i = 0; i < argv.size(); ++i) {
        std::string a = argv[i];
        if (i == *at) continue;
        if (a == "--version") {
            o.version = true;
            continue;
        }
        if (a == "--") {
            o.args.insert(o.args.end(), argv.begin() + static_cast<ptrdiff_t>(i) + 1, argv.end());
            break;
        }
        if (a.size() < 2 || a[0] != '-') {
            o.args.push_back(a);
            continue;
        }
        const size_t equals = a.find('=');
        const std::string name = a.substr(0, equals);
        const OptionSpec* spec = findSpec(specs, name);
        if (!spec) {
            if (auto flags = bundledFlags(specs, a)) {
                for (const auto& f : *flags)
                    o.given[firstName(*findSpec(specs, f))].push_back("");
                continue;
            }
            if (!verb && !o.help) return tl::unexpected(unknownVerb(verbs, o.verb));
            return fail(Errc::Usage, (verb ? o.verb + ": " : "") + "unknown option '" + a + "'");
        }
        std::string value;
        if (spec->value) {
            if (equals != std::string::npos)
                value = a.substr(equals + 1);
            else if (i + 1 < argv.size())
                value = argv[++i];
            else
                return fail(Errc::Usage, name + " needs a value (" + spec->value + ")");
        } else if (equals != std::string::npos) {
            return fail(Errc::Usage, name + " takes no value");
        }
        storeCommon(o, firstName(*spec), value);
        o.given[firstName(*spec)].push_back(value);
    }
    if (o.help || o.version) return o;
    if (o.noVmlinux && o.vmlinux)
        return fail(Errc::Usage, "--no-vmlinux and --vmlinux exclude each other");
    if (o.verb.empty()) return fail(Errc::Usage, "no command given");
    if (!verb) return tl::unexpected(unknownVerb(verbs, o.verb));
    return o;
}

} // namespace panicscope::cli
