#include "plugin/plugin_loader.h"

#include "plugin/c_host.h"
#include "report/json_text.h"

#include <algorithm>
#include <dlfcn.h>
#include <filesystem>
#include <memory>
#include <set>
#include <sstream>

namespace panicscope::plugin {

namespace {

namespace fs = std::filesystem;

// More would be a plugin's garbage, not its verbs.
constexpr size_t kMaxEntries = 1024;

// One loaded shared object with what its init filled in; closed (dlclose) when the last verb,
// rule or format that calls into it is gone.
struct Loaded {
    std::shared_ptr<void> library;
    ps_plugin plugin{};
};
using LoadedPtr = std::shared_ptr<const Loaded>;

std::string text(const char* s) {
    return s ? s : "";
}

Result<std::shared_ptr<void>> openLibrary(const std::string& path) {
    dlerror();
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        std::string why = text(dlerror());
        if (why.starts_with(path + ": ")) why.erase(0, path.size() + 2); // said once already
        return fail(Errc::Io, why.empty() ? "dlopen failed" : why);
    }
    return std::shared_ptr<void>(handle, [](void* h) { dlclose(h); });
}

using InitFn = int (*)(const ps_host*, ps_plugin*);

// Calls the entry point; a C++ plugin's exception is caught here, never let through.
Result<ps_plugin> runInit(InitFn init) {
    ps_plugin plugin{};
    int status = 0;
    try {
        status = init(&cHost(), &plugin);
    } catch (const std::exception& e) {
        return fail(Errc::Unsupported, std::string("panicscope_plugin_init threw: ") + e.what());
    } catch (...) {
        return fail(Errc::Unsupported, "panicscope_plugin_init threw an exception");
    }
    if (status != 0)
        return fail(Errc::Unsupported,
                    "panicscope_plugin_init failed (returned " + std::to_string(status) + ")");
    return plugin;
}

Result<ps_plugin> initPlugin(void* handle) {
    const auto* abi = static_cast<const uint32_t*>(dlsym(handle, "panicscope_plugin_abi"));
    if (!abi)
        return fail(Errc::Unsupported,
                    "no panicscope_plugin_abi symbol (PS_PLUGIN_DECLARE_ABI): not a plugin");
    if (*abi != PS_PLUGIN_ABI_VERSION)
        return fail(Errc::Unsupported, "built for plugin ABI version " + std::to_string(*abi) +
                                           ", panicscope has version " +
                                           std::to_string(PS_PLUGIN_ABI_VERSION));
    auto init = reinterpret_cast<InitFn>(dlsym(handle, "panicscope_plugin_init"));
    if (!init) return fail(Errc::Unsupported, "no panicscope_plugin_init entry point");
    auto plugin = runInit(init);
    if (!plugin) return plugin;
    if (plugin->abi_version != PS_PLUGIN_ABI_VERSION)
        return fail(Errc::Unsupported, "its init set ABI version " +
                                           std::to_string(plugin->abi_version) + ", not " +
                                           std::to_string(PS_PLUGIN_ABI_VERSION));
    if (text(plugin->name).empty()) return fail(Errc::Unsupported, "its init gave no name");
    auto badArray = [](const void* items, size_t count) {
        return count > kMaxEntries || (count && !items);
    };
    if (badArray(plugin->verbs, plugin->verb_count) ||
        badArray(plugin->triage_rules, plugin->triage_rule_count) ||
        badArray(plugin->formats, plugin->format_count))
        return fail(Errc::Unsupported, "its init gave a bad array (NULL, or over 1024 entries)");
    return plugin;
}

bool isVerbName(const std::string& name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

// Prints what a plugin verb built: its JSON document, checked; or why it is bad.
int finishVerbOutput(const std::string& verb, int status, const ps_writer& out,
                     const VerbCall& call, std::ostream& err) {
    auto doc = out.json.finish();
    if (!doc) {
        err << "panicscope: " << verb << ": the plugin's JSON is bad: " << doc.error().message
            << '\n';
        return 1;
    }
    if (*doc) {
        *out.text << report::jsonText(**doc) << '\n';
    } else if (call.json && status == 0) {
        err << "panicscope: " << verb << ": the plugin printed no JSON\n";
        return 1;
    }
    return status;
}

VerbRunner verbRunner(LoadedPtr loaded, ps_verb_fn fn, std::string verb) {
    return [loaded, fn, verb](const model::Session& session, const VerbCall& call,
                              std::ostream& out, std::ostream& err) {
        ps_session s;
        s.session = &session;
        ps_args args{&call};
        ps_writer o, e;
        o.text = &out;
        e.text = &err;
        int status = 1;
        try {
            status = fn(loaded->plugin.data, &cHost(), &s, &args, &o, &e);
        } catch (...) {
            err << "panicscope: " << verb << ": the plugin threw an exception\n";
            return 1;
        }
        return finishVerbOutput(verb, status, o, call, err);
    };
}

Result<PluginVerb> convertVerb(const LoadedPtr& loaded, const ps_verb& v) {
    PluginVerb verb;
    verb.name = text(v.name);
    if (!isVerbName(verb.name))
        return fail(Errc::Unsupported,
                    "verb name '" + verb.name + "' is not lower case letters, digits, '-' and '_'");
    if (!v.run) return fail(Errc::Unsupported, "verb '" + verb.name + "' has no run function");
    if (v.option_count > kMaxEntries || (v.option_count && !v.options) || v.min_args > v.max_args)
        return fail(Errc::Unsupported, "verb '" + verb.name + "' has bad options or arguments");
    verb.usage = v.usage ? v.usage : "DUMP";
    verb.summary = text(v.summary);
    verb.minArgs = v.min_args;
    verb.maxArgs = v.max_args;
    for (size_t i = 0; i < v.option_count; ++i) {
        const ps_option& o = v.options[i];
        if (text(o.names).empty() || o.names[0] != '-')
            return fail(Errc::Unsupported, "verb '" + verb.name + "' has an option without '-'");
        verb.options.push_back(
            {o.names, o.value ? std::optional<std::string>(o.value) : std::nullopt, text(o.help)});
    }
    verb.run = verbRunner(loaded, v.run, verb.name);
    return verb;
}

TriageRule convertRule(const LoadedPtr& loaded, const ps_triage_rule& r) {
    TriageRule rule;
    rule.name = text(r.name);
    rule.summary = text(r.summary);
    if (!r.claim) return rule; // a rule that never claims: harmless
    rule.claim = [loaded,
                  fn = r.claim](const TriageInput& in) -> Result<std::optional<TriageClaim>> {
        CReport report(in.report);
        ps_session s;
        s.session = in.session;
        ps_claim claim;
        claim.report = &in.report;
        int status = -1;
        try {
            status =
                fn(loaded->plugin.data, &cHost(), in.session ? &s : nullptr, report.get(), &claim);
        } catch (...) {
            return fail(Errc::Unsupported, "the plugin threw an exception");
        }
        if (status < 0)
            return fail(Errc::Unsupported, "failed" + (s.error.empty() ? "" : ": " + s.error));
        if (status == 0) return std::optional<TriageClaim>();
        return std::optional(std::move(claim.claim));
    };
    return rule;
}

OutputFormat convertFormat(const LoadedPtr& loaded, const ps_format& f) {
    OutputFormat format;
    format.name = text(f.name);
    format.summary = text(f.summary);
    format.render = [loaded, fn = f.render,
                     name = format.name](const triage::CrashReport& r) -> Result<std::string> {
        if (!fn) return fail(Errc::Unsupported, "output format " + name + " has no function");
        CReport report(r);
        std::ostringstream out;
        ps_writer w;
        w.text = &out;
        int status = -1;
        try {
            status = fn(loaded->plugin.data, &cHost(), report.get(), &w);
        } catch (...) {
            return fail(Errc::Unsupported, "output format " + name + " threw an exception");
        }
        if (status != 0) return fail(Errc::Unsupported, "output format " + name + " failed");
        auto doc = w.json.finish();
        if (!doc)
            return fail(Errc::Unsupported, "output format " + name + ": " + doc.error().message);
        return out.str() + (*doc ? report::jsonText(**doc, -1) + '\n' : "");
    };
    return format;
}

Result<Contribution> contributionOf(const LoadedPtr& loaded, const std::string& path) {
    const ps_plugin& p = loaded->plugin;
    Contribution c;
    c.record = {
        text(p.name), text(p.version), text(p.description), path, p.abi_version, {}, {}, {}};
    for (size_t i = 0; i < p.verb_count; ++i) {
        auto verb = convertVerb(loaded, p.verbs[i]);
        if (!verb) return tl::unexpected(verb.error());
        c.verbs.push_back(std::move(*verb));
    }
    for (size_t i = 0; i < p.triage_rule_count; ++i)
        c.triageRules.push_back(convertRule(loaded, p.triage_rules[i]));
    for (size_t i = 0; i < p.format_count; ++i)
        c.formats.push_back(convertFormat(loaded, p.formats[i]));
    return c;
}

Result<void> load(Registry& registry, const std::string& path) {
    auto library = openLibrary(path);
    if (!library) return tl::unexpected(library.error());
    auto plugin = initPlugin(library->get());
    if (!plugin) return tl::unexpected(plugin.error());
    auto loaded = std::make_shared<const Loaded>(Loaded{std::move(*library), *plugin});
    auto contribution = contributionOf(loaded, path);
    if (!contribution) return tl::unexpected(contribution.error());
    return registry.add(std::move(*contribution));
}

} // namespace

uint32_t pluginAbiVersion() {
    return PS_PLUGIN_ABI_VERSION;
}

Result<void> loadPluginFile(Registry& registry, const std::string& path) {
    auto loaded = load(registry, path);
    if (!loaded) registry.refuse({path, loaded.error().message});
    return loaded;
}

std::vector<PluginDirectory> pluginDirectories(const std::vector<std::string>& given,
                                               const char* pluginPath,
                                               const std::string& defaultDir) {
    std::vector<PluginDirectory> dirs;
    std::set<std::string> seen;
    auto addDir = [&](const std::string& path, bool mustExist) {
        std::error_code ec;
        const std::string key = fs::weakly_canonical(path, ec).string();
        if (!path.empty() && seen.insert(ec ? path : key).second) dirs.push_back({path, mustExist});
    };
    for (const auto& d : given)
        addDir(d, true);
    for (std::string_view rest = pluginPath ? pluginPath : ""; !rest.empty();) {
        const size_t colon = rest.find(':');
        addDir(std::string(rest.substr(0, colon)), false);
        rest = colon == std::string_view::npos ? "" : rest.substr(colon + 1);
    }
    addDir(defaultDir, false);
    return dirs;
}

void loadPluginDirectories(Registry& registry, const std::vector<PluginDirectory>& directories) {
    for (const auto& dir : directories) {
        std::error_code ec;
        std::vector<std::string> files;
        for (fs::directory_iterator it(dir.path, ec), end; !ec && it != end; it.increment(ec))
            if (it->path().extension() == ".so" && it->is_regular_file(ec))
                files.push_back(it->path().string());
        if (ec && dir.mustExist) {
            registry.refuse({dir.path, "cannot read the plugin directory: " + ec.message()});
            continue;
        }
        std::sort(files.begin(), files.end());
        for (const auto& file : files)
            (void)loadPluginFile(registry, file);
    }
}

} // namespace panicscope::plugin
