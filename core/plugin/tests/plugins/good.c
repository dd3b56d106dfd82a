/* A plugin that does everything right: a verb, a triage rule, two output formats. */
#include <panicscope/plugin.h>

#include <string.h>

PS_PLUGIN_DECLARE_ABI;

static int greet(void* data, const ps_host* host, const ps_session* session, const ps_args* args,
                 ps_writer* out, ps_writer* err) {
    (void)data, (void)session, (void)err;
    const char* who = host->option_value(args, "--name");
    if (host->json_requested(args)) {
        host->json_begin_object(out, NULL);
        host->json_string(out, "greeting", who ? who : "world");
        host->json_end(out);
    } else {
        host->write_text(out, "hello ");
        host->write_text(out, who ? who : "world");
        host->write_text(out, "\n");
    }
    return 0;
}

struct probe {
    const ps_host* host;
    ps_writer* out;
    size_t tasks;
    int32_t crashing_pid;
};

static int count_task(void* context, const ps_task* task) {
    struct probe* p = context;
    ++p->tasks;
    if (task->crashing) p->crashing_pid = task->pid;
    return 0;
}

static int frame_json(void* context, const ps_frame* frame) {
    struct probe* p = context;
    p->host->json_begin_object(p->out, NULL);
    p->host->json_uint(p->out, "pc", frame->pc);
    p->host->json_string(p->out, "function", frame->function);
    p->host->json_end(p->out);
    return 0;
}

/* Every session call of the host, its answers as JSON (the real-dump tests compare them). */
static int probe(void* data, const ps_host* host, const ps_session* session, const ps_args* args,
                 ps_writer* out, ps_writer* err) {
    struct probe p = {host, out, 0, -1};
    ps_info info;
    ps_symbol symbol;
    uint64_t banner = 0;
    char text[65] = {0};
    (void)data, (void)args;
    if (host->info(session, &info) != 0 || host->for_each_task(session, count_task, &p) != 0 ||
        host->lookup_symbol(session, "linux_banner", &banner) != 0 ||
        host->read_memory(session, banner, text, 64) != 0 ||
        host->symbolize(session, banner + 1, &symbol) != 0) {
        host->write_text(err, host->last_error(session));
        return 1;
    }
    host->json_begin_object(out, NULL);
    host->json_string(out, "release", info.release);
    host->json_uint(out, "cpus", info.cpus);
    host->json_int(out, "crashing_pid", info.crashing_pid);
    host->json_int(out, "crashing_task_pid", p.crashing_pid);
    host->json_uint(out, "tasks", p.tasks);
    host->json_string(out, "banner", text);
    host->json_string(out, "banner_symbol", symbol.name);
    host->json_uint(out, "banner_offset", symbol.offset);
    host->json_begin_array(out, "frames");
    if (host->backtrace(session, info.crashing_pid, frame_json, &p) != 0) return 1;
    host->json_end(out);
    host->json_int(out, "no_pid", host->backtrace(session, -5, frame_json, &p));
    host->json_string(out, "no_pid_error", host->last_error(session));
    host->json_int(out, "no_read", host->read_memory(session, 0, text, 8));
    host->json_end(out);
    return 0;
}

/* Claims a crash whose guilty function is "bar": kind bug, guilty frame "baz". */
static int claim_bar(void* data, const ps_host* host, const ps_session* session,
                     const ps_report* report, ps_claim* claim) {
    (void)data;
    if (!report->guilty_function || strcmp(report->guilty_function, "bar") != 0) return 0;
    if (host->claim_kind(claim, "bug") != 0) return -1;
    if (host->claim_kind(claim, "no-such-kind") != -1) return -1;
    if (host->claim_guilty(claim, "not_a_frame") != -1) return -1;
    if (host->claim_guilty(claim, "baz") != 0) return -1;
    host->claim_title(claim, "good: bar broke");
    host->claim_field(claim, "good", "session", session ? "dump" : "none");
    host->claim_field(claim, "good", "frames", report->frame_count > 1 ? "many" : "one");
    if (host->claim_json(claim, "good json", "{\"answer\": 42}") != 0) return -1;
    if (host->claim_json(claim, "bad json", "{not json") != -1) return -1;
    return 1;
}

static int oneline(void* data, const ps_host* host, const ps_report* report, ps_writer* out) {
    (void)data;
    host->write_text(out, report->kind);
    host->write_text(out, "|");
    host->write_text(out, report->title);
    host->write_text(out, "|");
    host->write_text(out, report->signature);
    host->write_text(out, "\n");
    return 0;
}

static int minijson(void* data, const ps_host* host, const ps_report* report, ps_writer* out) {
    (void)data;
    host->json_begin_object(out, NULL);
    host->json_string(out, "kind", report->kind);
    host->json_begin_array(out, "frames");
    for (size_t i = 0; i < report->frame_count; ++i)
        host->json_string(out, NULL, report->frames[i].function);
    host->json_end(out);
    host->json_end(out);
    return 0;
}

/* A format that leaves its object open: refused at render time. */
static int unbalanced(void* data, const ps_host* host, const ps_report* report, ps_writer* out) {
    (void)data, (void)report;
    host->json_begin_object(out, NULL);
    return 0;
}

static const ps_option greet_options[] = {{"-n|--name", "NAME", "whom to greet"}};
static const ps_verb verbs[] = {
    {"greet", "[-n NAME] DUMP", "says hello", greet_options, 1, 0, 0, greet},
    {"probe", "DUMP", "every session call of the C ABI, as JSON", NULL, 0, 0, 0, probe}};
static const ps_triage_rule rules[] = {{"good-bar", "claims crashes in bar", claim_bar}};
static const ps_format formats[] = {{"oneline", "kind|title|signature", oneline},
                                    {"minijson", "kind and frames", minijson},
                                    {"unbalanced", "bad JSON", unbalanced}};

int panicscope_plugin_init(const ps_host* host, ps_plugin* plugin) {
    if (host->abi_version != PS_PLUGIN_ABI_VERSION || host->size < sizeof(ps_host)) return -1;
    plugin->abi_version = PS_PLUGIN_ABI_VERSION;
    plugin->name = "good";
    plugin->version = "0.1";
    plugin->description = "a test plugin";
    plugin->verbs = verbs;
    plugin->verb_count = 2;
    plugin->triage_rules = rules;
    plugin->triage_rule_count = 1;
    plugin->formats = formats;
    plugin->format_count = 3;
    return 0;
}
