/* modtaint: an example panicscope plugin in plain C.
 *
 * - the verb `modtaint`: the kernel's loaded modules with the taint letters each one set
 *   (`-t`: only those that taint the kernel), as text or --json;
 * - the triage rule `modtaint`: when the guilty frame of a crash is in a module, a report
 *   section with that module's taint letters.
 *
 * Build it alone (see README.md, "Writing a plugin"):
 *   cc -shared -fPIC -fvisibility=hidden -I plugins/include -o modtaint.so \
 *      plugins/examples/modtaint/modtaint.c
 */
#include <panicscope/plugin.h>

#include <stdio.h>
#include <string.h>

PS_PLUGIN_DECLARE_ABI;

struct listing {
    const ps_host* host;
    ps_writer* out;
    int json, tainted_only;
    size_t shown;
};

static int show_module(void* context, const ps_module* m) {
    struct listing* l = context;
    char line[256];
    if (l->tainted_only && m->taints[0] == '\0') return 0;
    ++l->shown;
    if (l->json) {
        char address[32];
        snprintf(address, sizeof address, "0x%llx", (unsigned long long)m->address);
        l->host->json_begin_object(l->out, NULL);
        l->host->json_string(l->out, "name", m->name);
        l->host->json_string(l->out, "taints", m->taints);
        l->host->json_string(l->out, "module", address);
        l->host->json_end(l->out);
        return 0;
    }
    snprintf(line, sizeof line, "%-24s %-6s %016llx\n", m->name, m->taints[0] ? m->taints : "-",
             (unsigned long long)m->address);
    l->host->write_text(l->out, line);
    return 0;
}

static int run_modtaint(void* data, const ps_host* host, const ps_session* session,
                        const ps_args* args, ps_writer* out, ps_writer* err) {
    struct listing l = {host, out, host->json_requested(args), host->has_option(args, "-t"), 0};
    (void)data;
    if (l.json) {
        host->json_begin_object(out, NULL);
        host->json_begin_array(out, "modules");
    } else {
        host->write_text(out, "NAME                     TAINTS STRUCT MODULE\n");
    }
    if (host->for_each_module(session, show_module, &l) != 0) {
        host->write_text(err, "panicscope: modtaint: ");
        host->write_text(err, host->last_error(session));
        host->write_text(err, "\n");
        return 1;
    }
    if (l.json) {
        host->json_end(out);
        host->json_uint(out, "count", l.shown);
        host->json_end(out);
    }
    return 0;
}

struct find_module {
    const char* name;
    char taints[64];
    int found;
};

static int match_module(void* context, const ps_module* m) {
    struct find_module* f = context;
    if (strcmp(m->name, f->name) != 0) return 0;
    snprintf(f->taints, sizeof f->taints, "%s", m->taints);
    f->found = 1;
    return 1;
}

/* A section naming the guilty module's taint; nothing to say without a dump or a module. */
static int guilty_module_taint(void* data, const ps_host* host, const ps_session* session,
                               const ps_report* report, ps_claim* claim) {
    struct find_module f = {report->guilty_module, "", 0};
    (void)data;
    if (!session || !report->guilty_module) return 0;
    if (host->for_each_module(session, match_module, &f) != 0) return -1;
    if (!f.found) return 0;
    host->claim_field(claim, "guilty module", "module", f.name);
    host->claim_field(claim, "guilty module", "taints", f.taints[0] ? f.taints : "none");
    return 1;
}

static const ps_option modtaint_options[] = {
    {"-t|--tainted", NULL, "only the modules that taint the kernel"},
};

static const ps_verb verbs[] = {
    {"modtaint", "[-t] DUMP", "loaded modules with the taint letters each one set (plugin)",
     modtaint_options, 1, 0, 0, run_modtaint},
};

static const ps_triage_rule rules[] = {
    {"modtaint", "the taint letters of the module the guilty frame is in", guilty_module_taint},
};

int panicscope_plugin_init(const ps_host* host, ps_plugin* plugin) {
    if (host->abi_version != PS_PLUGIN_ABI_VERSION) return -1;
    plugin->abi_version = PS_PLUGIN_ABI_VERSION;
    plugin->name = "modtaint";
    plugin->version = "1.0";
    plugin->description = "loaded modules and their taint (an example plugin)";
    plugin->verbs = verbs;
    plugin->verb_count = 1;
    plugin->triage_rules = rules;
    plugin->triage_rule_count = 1;
    return 0;
}
