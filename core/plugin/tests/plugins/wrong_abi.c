/* Built for another ABI version: refused before its init runs. */
#include <panicscope/plugin.h>

__attribute__((visibility("default"))) const uint32_t panicscope_plugin_abi = 99;

int panicscope_plugin_init(const ps_host* host, ps_plugin* plugin) {
    (void)host, (void)plugin;
    __builtin_trap(); /* must never run */
}
