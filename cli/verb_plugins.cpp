// `panicscope plugins`: what plugins are loaded, from where, with what ABI version and what they
// registered; and what was refused and why. Opens no dump.
#include "plugin/plugin_loader.h"
#include "plugin/registry.h"
#include "report/json_text.h"
#include "verbs.h"

namespace panicscope::cli {

namespace {

using nlohmann::ordered_json;

ordered_json pluginsJson(const plugin::Registry& registry) {
    ordered_json plugins = ordered_json::array();
    for (const auto& p : registry.plugins())
        plugins.push_back(
            {{"name", p.name},
             {"version", p.version},
             {"description", p.description},
             {"path", p.path.empty() ? ordered_json(nullptr) : ordered_json(p.path)},
             {"abi_version", p.abiVersion ? ordered_json(p.abiVersion) : ordered_json(nullptr)},
             {"verbs", p.verbs},
             {"triage_rules", p.triageRules},
             {"formats", p.formats}});
    ordered_json refused = ordered_json::array();
    for (const auto& r : registry.refused())
        refused.push_back({{"path", r.path}, {"reason", r.reason}});
    return {{"abi_version", plugin::pluginAbiVersion()},
            {"default_directory", plugin::defaultPluginDirectory()},
            {"plugins", std::move(plugins)},
            {"refused", std::move(refused)}};
}

void printList(std::ostream& out, const char* what, const std::vector<std::string>& names) {
    if (names.empty()) return;
    out << "  " << what << ":";
    for (const auto& n : names)
        out << ' ' << n;
    out << '\n';
}

void printPlugins(std::ostream& out, const plugin::Registry& registry) {
    out << "plugin ABI version " << plugin::pluginAbiVersion() << "; default directory "
        << plugin::defaultPluginDirectory() << '\n';
    for (const auto& p : registry.plugins()) {
        out << p.name << (p.version.empty() ? "" : " " + p.version) << "  "
            << (p.path.empty() ? "(built in)"
                               : p.path + " (ABI " + std::to_string(p.abiVersion) + ")")
            << '\n';
        if (!p.description.empty()) out << "  " << p.description << '\n';
        printList(out, "verbs", p.verbs);
        printList(out, "triage rules", p.triageRules);
        printList(out, "formats", p.formats);
    }
    for (const auto& r : registry.refused())
        out << "refused: " << r.path << ": " << r.reason << '\n';
}

std::optional<int> runPlugins(const Options& options, std::ostream& out, std::ostream& err) {
    if (!options.args.empty()) {
        err << "panicscope: plugins takes no arguments (see 'panicscope plugins --help')\n";
        return 2;
    }
    const auto& registry = registryOf(options);
    if (options.json)
        out << report::jsonText(pluginsJson(registry)) << '\n';
    else
        printPlugins(out, registry);
    return 0;
}

// In the shell, which has a dump open.
int runInShell(const model::Session&, const Options& options, std::ostream& out,
               std::ostream& err) {
    return *runPlugins(options, out, err);
}

} // namespace

Verb pluginsVerb() {
    Verb verb{"plugins",
              "",
              "the plugins loaded (built in, --plugin-dir, $PANICSCOPE_PLUGIN_PATH, the install's "
              "directory), what each registered, and the ones refused with why",
              {},
              0,
              0,
              runInShell};
    verb.runStandalone = runPlugins;
    return verb;
}

} // namespace panicscope::cli
