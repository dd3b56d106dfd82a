// Out-of-tree plugins: shared objects of the C ABI (plugins/include/panicscope/plugin.h) loaded
// with dlopen into a Registry. A plugin that cannot be used (no such file, not a shared object,
// a missing symbol, another ABI version, a failing or throwing init, a duplicate name) is
// refused: the registry records the file and a one-line reason, and the rest goes on.
#pragma once

#include "plugin/registry.h"

#include <cstdint>
#include <string>
#include <vector>

namespace panicscope::plugin {

// The directories to load plugins from, in order: the ones given (--plugin-dir), then each of
// `pluginPath` (PANICSCOPE_PLUGIN_PATH, a colon list; null when unset), then `defaultDir` (the
// install's). A directory named twice is searched once.
struct PluginDirectory {
    std::string path;
    bool mustExist = false; // given explicitly: refused when it is missing
};
std::vector<PluginDirectory> pluginDirectories(const std::vector<std::string>& given,
                                               const char* pluginPath,
                                               const std::string& defaultDir);

// PS_PLUGIN_ABI_VERSION: the version of the C ABI this panicscope loads.
uint32_t pluginAbiVersion();

// Where an installed panicscope looks for plugins: CMAKE_INSTALL_LIBDIR/panicscope/plugins.
std::string defaultPluginDirectory();

// Loads every "*.so" of each directory, in name order.
void loadPluginDirectories(Registry& registry, const std::vector<PluginDirectory>& directories);

// Loads one shared object; the reason it was refused (also recorded in the registry).
Result<void> loadPluginFile(Registry& registry, const std::string& path);

} // namespace panicscope::plugin
