#include "plugin/registry.h"

#include <algorithm>
#include <set>

namespace panicscope::plugin {

namespace {

template <class T> bool hasName(const T& items, std::string_view name) {
    return std::any_of(items.begin(), items.end(),
                       [&](const auto& item) { return item.name == name; });
}

// The first name in `names` that is empty, repeated, or already `taken`.
template <class T, class Taken>
std::optional<std::string> clash(const std::vector<T>& items, const char* what, Taken taken) {
    std::set<std::string> seen;
    for (const auto& item : items) {
        if (item.name.empty()) return std::string(what) + " with no name";
        if (!seen.insert(item.name).second || taken(item.name))
            return std::string(what) + " '" + item.name + "' exists already";
    }
    return std::nullopt;
}

} // namespace

void Registry::reserveVerbNames(const std::vector<std::string>& names) {
    reservedVerbs_.insert(reservedVerbs_.end(), names.begin(), names.end());
}

Result<void> Registry::add(Contribution c) {
    if (c.record.name.empty()) return fail(Errc::Usage, "the plugin has no name");
    if (hasName(plugins_, c.record.name))
        return fail(Errc::Usage, "a plugin named '" + c.record.name + "' is loaded already");
    auto verbTaken = [&](const std::string& name) {
        return hasName(verbs_, name) || std::find(reservedVerbs_.begin(), reservedVerbs_.end(),
                                                  name) != reservedVerbs_.end();
    };
    auto problem = clash(c.verbs, "verb", verbTaken);
    if (!problem)
        problem = clash(c.triageRules, "triage rule",
                        [&](const std::string& name) { return hasName(rules_, name); });
    if (!problem)
        problem = clash(c.formats, "output format",
                        [&](const std::string& name) { return hasName(formats_, name); });
    if (problem) return fail(Errc::Usage, *problem);

    PluginRecord& record = plugins_.emplace_back(std::move(c.record));
    record.verbs.clear();
    record.triageRules.clear();
    record.formats.clear();
    for (auto& v : c.verbs) {
        v.plugin = record.name;
        record.verbs.push_back(v.name);
        verbs_.push_back(std::move(v));
    }
    for (auto& r : c.triageRules) {
        r.plugin = record.name;
        record.triageRules.push_back(r.name);
        rules_.push_back(std::move(r));
    }
    for (auto& f : c.formats) {
        f.plugin = record.name;
        record.formats.push_back(f.name);
        formats_.push_back(std::move(f));
    }
    return {};
}

void Registry::refuse(PluginRefusal refusal) {
    refused_.push_back(std::move(refusal));
}

const PluginVerb* Registry::findVerb(std::string_view name) const {
    for (const auto& v : verbs_)
        if (v.name == name) return &v;
    return nullptr;
}

const OutputFormat* Registry::findFormat(std::string_view name) const {
    for (const auto& f : formats_)
        if (f.name == name) return &f;
    return nullptr;
}

const Registry& builtinRegistry() {
    // Immutable once built; the same for every caller.
    static const Registry builtins = [] {
        Registry r;
        registerBuiltins(r);
        return r;
    }();
    return builtins;
}

} // namespace panicscope::plugin
