/* A plugin that would replace the CLI's own verb "bt": refused. */
#include <panicscope/plugin.h>

PS_PLUGIN_DECLARE_ABI;

static int run(void* data, const ps_host* host, const ps_session* session, const ps_args* args,
               ps_writer* out, ps_writer* err) {
    (void)data, (void)host, (void)session, (void)args, (void)out, (void)err;
    return 0;
}

static const ps_verb verbs[] = {{"bt", "DUMP", "", NULL, 0, 0, 0, run}};

int panicscope_plugin_init(const ps_host* host, ps_plugin* plugin) {
    (void)host;
    plugin->abi_version = PS_PLUGIN_ABI_VERSION;
    plugin->name = "shadow";
    plugin->verbs = verbs;
    plugin->verb_count = 1;
    return 0;
}
