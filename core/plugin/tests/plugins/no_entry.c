/* Declares its ABI but has no entry point. */
#include <panicscope/plugin.h>

PS_PLUGIN_DECLARE_ABI;
