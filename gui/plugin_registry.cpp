#include "plugin_registry.h"

#include "plugin/plugin_loader.h"

#include <cstdlib>

namespace panicscope::gui {

std::shared_ptr<const plugin::Registry>
loadPluginRegistry(const std::vector<std::string>& pluginDirs) {
    // Unlike the CLI, no verb names are reserved (the GUI runs no verbs): a plugin the CLI
    // refuses for a verb named like one of its own loads here.
    auto registry = std::make_shared<plugin::Registry>();
    plugin::registerBuiltins(*registry);
    plugin::loadPluginDirectories(
        *registry, plugin::pluginDirectories(pluginDirs, std::getenv("PANICSCOPE_PLUGIN_PATH"),
                                             plugin::defaultPluginDirectory()));
    return registry;
}

std::shared_ptr<const plugin::Registry> builtinPluginRegistry() {
    // builtinRegistry() lives as long as the program: nothing to delete.
    return {&plugin::builtinRegistry(), [](const plugin::Registry*) {}};
}

} // namespace panicscope::gui
