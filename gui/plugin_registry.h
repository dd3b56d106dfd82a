// The GUI's plugin registry: the built-in triage rules and the plugins of --plugin-dir,
// $PANICSCOPE_PLUGIN_PATH and the install's directory, loaded as the CLI loads them, so the
// triage view shows the report `panicscope triage` prints with the same plugins.
#pragma once

#include "plugin/registry.h"

#include <memory>
#include <string>
#include <vector>

namespace panicscope::gui {

// Loads them once at start-up; the refused ones are recorded in the registry (refused()).
std::shared_ptr<const plugin::Registry>
loadPluginRegistry(const std::vector<std::string>& pluginDirs);

// The built-in rules alone (a window given no registry, the tests).
std::shared_ptr<const plugin::Registry> builtinPluginRegistry();

} // namespace panicscope::gui
