// The CLI verbs: each one a function over an opened Session, in its own verb_*.cpp.
#pragma once

#include "model/session.h"
#include "options.h"

#include <ostream>
#include <span>

namespace panicscope::cli {

struct Verb {
    const char* name;
    const char* usage;   // arguments after the verb, e.g. "ADDR|NAME DUMP"
    const char* summary; // one line for --help
    size_t minArgs, maxArgs;
    // Prints the verb's output; returns the exit status (errors go to `err` as one line).
    int (*run)(const model::Session& session, const Options& options, std::ostream& out,
               std::ostream& err);
};

std::span<const Verb> allVerbs();

int runInfo(const model::Session&, const Options&, std::ostream& out, std::ostream& err);
int runPs(const model::Session&, const Options&, std::ostream& out, std::ostream& err);
int runLog(const model::Session&, const Options&, std::ostream& out, std::ostream& err);
int runSym(const model::Session&, const Options&, std::ostream& out, std::ostream& err);
int runBt(const model::Session&, const Options&, std::ostream& out, std::ostream& err);
int runStruct(const model::Session&, const Options&, std::ostream& out, std::ostream& err);
int runUnion(const model::Session&, const Options&, std::ostream& out, std::ostream& err);
int runP(const model::Session&, const Options&, std::ostream& out, std::ostream& err);
int runWhatis(const model::Session&, const Options&, std::ostream& out, std::ostream& err);
int runList(const model::Session&, const Options&, std::ostream& out, std::ostream& err);
int runEntryTable(const model::Session&, const Options&, std::ostream& out, std::ostream& err);
// entry-table without a dump: the vmlinux named by --vmlinux, at link-time addresses.
int runEntryTableForVmlinux(const Options&, std::ostream& out, std::ostream& err);

// Prints "panicscope: MESSAGE" and returns 1: the one way verbs report an error.
int reportError(std::ostream& err, const Error& error);

} // namespace panicscope::cli
