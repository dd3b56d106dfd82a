/* Its init fails. */
#include <panicscope/plugin.h>

PS_PLUGIN_DECLARE_ABI;

int panicscope_plugin_init(const ps_host* host, ps_plugin* plugin) {
    (void)host, (void)plugin;
    return 3;
}
