// A C++ plugin whose init throws: the exception must not get past panicscope's loader.
#include <panicscope/plugin.h>

#include <stdexcept>

PS_PLUGIN_DECLARE_ABI;

extern "C" int panicscope_plugin_init(const ps_host*, ps_plugin*) {
    throw std::runtime_error("boom");
}
