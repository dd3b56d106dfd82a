/* An entry point but no ABI version: not taken for a plugin. */
#include <panicscope/plugin.h>

int panicscope_plugin_init(const ps_host* host, ps_plugin* plugin) {
    (void)host, (void)plugin;
    __builtin_trap(); /* must never run */
}
