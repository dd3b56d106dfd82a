/* panicscope's plugin ABI: what an out-of-tree plugin (a shared object) sees of panicscope.
 *
 * Plain C: structs, integers, NUL-terminated UTF-8 strings and function pointers, so a plugin
 * built by another compiler (or in another language with a C FFI) still loads. A plugin exports
 * two symbols:
 *
 *   const uint32_t panicscope_plugin_abi = PS_PLUGIN_ABI_VERSION;   (PS_PLUGIN_DECLARE_ABI)
 *   int panicscope_plugin_init(const ps_host* host, ps_plugin* plugin);
 *
 * panicscope reads panicscope_plugin_abi first and refuses the plugin, without running any of
 * its code, when it differs from its own PS_PLUGIN_ABI_VERSION. Then panicscope_plugin_init
 * fills `plugin` (its name, its verbs, triage rules and output formats) and returns 0; any other
 * value refuses the plugin. Everything the plugin hands over (strings, arrays of ps_verb, ...)
 * is copied by panicscope before init returns. The shared object stays loaded while panicscope
 * runs.
 *
 * Strings panicscope hands to the plugin (in ps_task, ps_frame, ...) are valid only during the
 * call or callback that hands them over. Every host function takes the handle it was given
 * (ps_session, ps_writer, ps_claim); none of them may be kept after the call that passed it.
 *
 * Errors: host functions return 0 on success and -1 on an error, whose one-line message
 * host->last_error(session) gives until the next call on that session.
 *
 * The version is bumped on any change that is not an addition at the end of ps_host.
 */
#ifndef PANICSCOPE_PLUGIN_H
#define PANICSCOPE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PS_PLUGIN_ABI_VERSION 1u

#ifdef __cplusplus
#define PS_PLUGIN_EXTERN_C extern "C"
#else
#define PS_PLUGIN_EXTERN_C
#endif

/* Put this once in a plugin's source: the ABI version it was built for. */
#define PS_PLUGIN_DECLARE_ABI                                                                      \
    PS_PLUGIN_EXTERN_C __attribute__((visibility("default")))                                      \
    const uint32_t panicscope_plugin_abi = PS_PLUGIN_ABI_VERSION

/* Opaque handles, owned by panicscope. */
typedef struct ps_session ps_session; /* one opened dump; NULL for console-only triage */
typedef struct ps_writer ps_writer;   /* where a verb's or format's output goes */
typedef struct ps_claim ps_claim;     /* what a triage rule says about a crash */
typedef struct ps_args ps_args;       /* a verb's arguments and options */

/* ---- What panicscope tells a plugin ---- */

typedef struct ps_info {
    const char* dump_path;
    const char* release; /* "6.1.0-56-cloud-amd64" */
    const char* version; /* "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)" */
    const char* machine; /* "x86_64" */
    const char* panic_message;
    uint32_t cpus;
    int32_t panic_cpu;    /* -1: unknown */
    int32_t crashing_pid; /* -1: unknown */
    uint64_t kaslr_offset;
} ps_info;

typedef struct ps_task {
    uint64_t address; /* the task_struct */
    int32_t pid, tgid, ppid;
    uint32_t cpu;
    char state; /* R S D T t X Z P I */
    uint8_t on_cpu, crashing, kernel_thread;
    const char* comm;
} ps_task;

typedef struct ps_module {
    const char* name;
    uint64_t address;   /* the struct module */
    uint64_t text_base; /* its core text */
    uint64_t text_size;
    uint64_t size; /* as /proc/modules counts it; 0 with has_size 0 when unread */
    uint8_t has_size;
    const char* taints; /* "OE", "" when it taints nothing */
} ps_module;

typedef struct ps_frame {
    uint32_t index;
    uint64_t pc;
    uint64_t sp;
    const char* function; /* "" when no symbol names it */
    uint64_t offset;      /* pc - the function's start */
    const char* module;   /* NULL: the vmlinux */
    uint8_t reliable;     /* 0: found by scanning the stack */
} ps_frame;

typedef struct ps_symbol {
    const char* name;
    uint64_t address; /* the symbol's start */
    uint64_t offset;
    uint64_t size;
    const char* module; /* NULL: the vmlinux */
} ps_symbol;

typedef struct ps_report_frame {
    const char* function;
    const char* module;  /* NULL: the vmlinux */
    const char* context; /* "process", "softirq", "hardirq", "nmi", "idle", "unknown" */
} ps_report_frame;

/* A triaged crash as a triage rule or an output format sees it (triage --json's fields). */
typedef struct ps_report {
    const char* source; /* "dump" or "console" */
    const char* path;
    const char* kind; /* "null_deref", "soft_lockup", ... (docs/json-schema.md) */
    const char* title;
    const char* message;
    const char* panic_message;   /* NULL: none */
    const char* guilty_function; /* NULL: none */
    const char* guilty_module;   /* NULL: the vmlinux or none */
    const char* context;
    const char* taint;     /* NULL: unknown, "" not tainted */
    const char* signature; /* the stable hash */
    int32_t cpu;           /* -1: unknown */
    int32_t pid;           /* -1: unknown */
    const char* comm;      /* "" when unknown */
    uint8_t has_fault_address;
    uint64_t fault_address;
    const ps_report_frame* frames; /* from the guilty frame down */
    size_t frame_count;
} ps_report;

/* ---- What a plugin gives panicscope ---- */

typedef struct ps_option {
    const char* names; /* "-t|--tainted": '|' between spellings, the first is the one asked for */
    const char* value; /* the argument's name ("NAME"), NULL for a flag */
    const char* help;
} ps_option;

typedef struct ps_host ps_host;

/* A verb's work: print through host->write_text(out, ...) and, when host->json_requested(args),
 * build one JSON document with host->json_*(out, ...). Returns the exit status (0 success, 1 an
 * error written to `err` as one line). */
typedef int (*ps_verb_fn)(void* plugin_data, const ps_host* host, const ps_session* session,
                          const ps_args* args, ps_writer* out, ps_writer* err);

typedef struct ps_verb {
    const char* name;    /* lower case letters, digits, '-' and '_' */
    const char* usage;   /* its arguments after the verb, e.g. "[-t] DUMP" */
    const char* summary; /* one line for --help */
    const ps_option* options;
    size_t option_count;
    size_t min_args, max_args; /* positional arguments besides the dump */
    ps_verb_fn run;
} ps_verb;

/* A triage rule: looks at a triaged crash (session NULL for console text) and may claim it by
 * setting kind, title, guilty frame and adding report sections through host->claim_*(claim,...).
 * Returns 1 when it claimed the crash, 0 when not, -1 on an error (the claim is dropped). */
typedef int (*ps_triage_fn)(void* plugin_data, const ps_host* host, const ps_session* session,
                            const ps_report* report, ps_claim* claim);

typedef struct ps_triage_rule {
    const char* name;
    const char* summary;
    ps_triage_fn claim;
} ps_triage_rule;

/* An output format for triage records (triage --format NAME): writes the report to `out` with
 * host->write_text or as JSON with host->json_*. Returns 0, or -1 on an error. */
typedef int (*ps_format_fn)(void* plugin_data, const ps_host* host, const ps_report* report,
                            ps_writer* out);

typedef struct ps_format {
    const char* name;
    const char* summary;
    ps_format_fn render;
} ps_format;

/* Filled by panicscope_plugin_init. */
typedef struct ps_plugin {
    uint32_t abi_version; /* PS_PLUGIN_ABI_VERSION */
    const char* name;     /* unique among the loaded plugins */
    const char* version;
    const char* description;
    void* data; /* handed back to every function of the plugin */
    const ps_verb* verbs;
    size_t verb_count;
    const ps_triage_rule* triage_rules;
    size_t triage_rule_count;
    const ps_format* formats;
    size_t format_count;
} ps_plugin;

typedef int (*ps_task_fn)(void* context, const ps_task* task);       /* nonzero: stop */
typedef int (*ps_module_fn)(void* context, const ps_module* module); /* nonzero: stop */
typedef int (*ps_frame_fn)(void* context, const ps_frame* frame);    /* nonzero: stop */

/* ---- What panicscope offers a plugin ---- */

struct ps_host {
    uint32_t abi_version; /* PS_PLUGIN_ABI_VERSION of the running panicscope */
    uint32_t size;        /* sizeof(ps_host) of the running panicscope */
    const char* version;  /* panicscope's version, "0.1.0" */

    /* The last error of a call on `session` (NULL session: of the last call without one). */
    const char* (*last_error)(const ps_session* session);

    /* The dump: its facts, every task (by pid), every loaded module, one task's kernel stack. */
    int (*info)(const ps_session* session, ps_info* out);
    int (*for_each_task)(const ps_session* session, ps_task_fn fn, void* context);
    int (*for_each_module)(const ps_session* session, ps_module_fn fn, void* context);
    int (*backtrace)(const ps_session* session, int32_t pid, ps_frame_fn fn, void* context);
    /* Kernel virtual memory: -1 unless all `length` bytes (at most 64 MiB) are in the dump. */
    int (*read_memory)(const ps_session* session, uint64_t address, void* buffer, size_t length);
    /* The symbol containing an address; -1 when none does. */
    int (*symbolize)(const ps_session* session, uint64_t address, ps_symbol* out);
    /* A symbol's address by name (vmlinux, else a module). */
    int (*lookup_symbol)(const ps_session* session, const char* name, uint64_t* address);

    /* A verb's arguments: the positional ones (the dump taken off), its options by first name. */
    size_t (*arg_count)(const ps_args* args);
    const char* (*arg)(const ps_args* args, size_t index);
    int (*has_option)(const ps_args* args, const char* name);
    const char* (*option_value)(const ps_args* args, const char* name); /* NULL: not given */
    int (*json_requested)(const ps_args* args);

    /* Output. Text goes out as written. JSON is built as a tree: `key` names the member inside
     * an object and is NULL inside an array; the top is one object or array; panicscope prints
     * it, checked and escaped, when the call returns. */
    void (*write_text)(ps_writer* writer, const char* text);
    void (*json_begin_object)(ps_writer* writer, const char* key);
    void (*json_begin_array)(ps_writer* writer, const char* key);
    void (*json_end)(ps_writer* writer);
    void (*json_string)(ps_writer* writer, const char* key, const char* value);
    void (*json_int)(ps_writer* writer, const char* key, int64_t value);
    void (*json_uint)(ps_writer* writer, const char* key, uint64_t value);
    void (*json_bool)(ps_writer* writer, const char* key, int value);
    void (*json_null)(ps_writer* writer, const char* key);

    /* A triage rule's claim: the kind by its key (-1 for an unknown key), the title, the guilty
     * function (-1 when no frame of the report has it), and report sections: key/value fields or
     * a JSON text (-1 when it does not parse), each under a section title. */
    int (*claim_kind)(ps_claim* claim, const char* kind);
    void (*claim_title)(ps_claim* claim, const char* title);
    int (*claim_guilty)(ps_claim* claim, const char* function);
    void (*claim_field)(ps_claim* claim, const char* section, const char* key, const char* value);
    int (*claim_json)(ps_claim* claim, const char* section, const char* json_text);
};

/* The entry point every plugin defines. */
__attribute__((visibility("default"))) int panicscope_plugin_init(const ps_host* host,
                                                                  ps_plugin* plugin);

#ifdef __cplusplus
}
#endif

#endif /* PANICSCOPE_PLUGIN_H */
