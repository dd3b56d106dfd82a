#include "plugin/plugin_loader.h"

namespace panicscope::plugin {

std::string defaultPluginDirectory() {
    return PANICSCOPE_DEFAULT_PLUGIN_DIR; // CMAKE_INSTALL_LIBDIR/panicscope/plugins
}

} // namespace panicscope::plugin
