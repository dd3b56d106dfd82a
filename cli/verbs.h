// The CLI verbs: each one a function over an opened Session with its option table, in its own
// verb_*.cpp; cli.cpp lists them.
#pragma once

#include "model/session.h"
#include "options.h"

#include <functional>
#include <optional>
#include <ostream>
#include <span>
#include <string_view>
#include <vector>

namespace panicscope::cli {

// A function, or for a plugin's verb a closure over the registry's entry.
using VerbRun = std::function<int(const model::Session& session, const Options& options,
                                  std::ostream& out, std::ostream& err)>;
// A verb that can also work without opening one dump (entry-table --vmlinux FILE): returns the
// exit status when `options` ask for that, nullopt to go on with the dump (the last argument).
using VerbRunStandalone = std::optional<int> (*)(const Options& options, std::ostream& out,
                                                 std::ostream& err);

struct Verb {
    const char* name;
    const char* usage;               // arguments after the verb, e.g. "[-s] ADDR|NAME DUMP"
    const char* summary;             // one line for --help
    std::vector<OptionSpec> options; // its own options; commonOptions() come on top
    size_t minArgs, maxArgs;         // positional arguments besides the dump
    VerbRun run;                     // prints the output, returns the exit status
    VerbRunStandalone runStandalone = nullptr;
    bool unwinds = false; // prepares the unwinder while the session opens (bt)
    // Whether this run prints file:line or inline frames (SessionOptions::prepareSourceLines);
    // unset: it may.
    bool (*printsSourceLines)(const Options& options) = nullptr;
};

// The CLI's own verbs.
std::span<const Verb> allVerbs();
// allVerbs() and then the verbs the registry's plugins add; the plugin verbs point into
// `registry`, which must outlive the table.
std::vector<Verb> verbTable(const plugin::Registry& registry);

Verb infoVerb();
Verb psVerb();
Verb logVerb();
Verb symVerb();
Verb btVerb();
Verb entryTableVerb();
Verb triageVerb();
Verb structVerb();
Verb unionVerb();
Verb pVerb();
Verb whatisVerb();
Verb listVerb();
Verb rdVerb();
Verb searchVerb();
Verb disVerb();
Verb modVerb();
Verb sysVerb();
Verb kmemVerb();
Verb shellVerb();
Verb runqVerb();
Verb irqVerb();
// Plugins (their own block for merges).
Verb pluginsVerb();

// The verb named `name` (in allVerbs(), or in `verbs`), or nullptr.
const Verb* findVerb(std::string_view name);
const Verb* findVerb(std::span<const Verb> verbs, std::string_view name);
// `panicscope help VERB`: its usage, summary and options.
void printVerbHelp(std::ostream& out, const Verb& verb);

// Prints "panicscope: MESSAGE" and returns 1: the one way verbs report an error.
int reportError(std::ostream& err, const Error& error);

} // namespace panicscope::cli
