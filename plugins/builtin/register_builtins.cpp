// registerBuiltins: the one place the built-in plugin is put together.
#include "builtin_rules.h"
#include "plugin/registry.h"

namespace panicscope::plugin {

void registerBuiltins(Registry& registry) {
    Contribution builtin;
    builtin.record.name = "builtin";
    builtin.record.description = "panicscope's own triage classifiers and output formats";
    builtin.triageRules.push_back(builtin::panicMessageRule());
    for (auto& rule : builtin::crashHeaderRules())
        builtin.triageRules.push_back(std::move(rule));
    builtin.formats = builtin::triageFormats();
    // The first plugin of an empty registry: its names cannot clash.
    (void)registry.add(std::move(builtin));
}

} // namespace panicscope::plugin
