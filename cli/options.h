// Command-line parsing for `panicscope VERB [options] [ARGS...] DUMP`.
#pragma once

#include "util/result.h"

#include <optional>
#include <string>
#include <vector>

namespace panicscope::cli {

struct Options {
    std::string verb;
    std::vector<std::string> args; // verb arguments before the dump (e.g. sym's ADDR|NAME)
    std::vector<std::string> dumpPaths;
    std::optional<std::string> vmlinux;
    std::vector<std::string> debugDirs;
    std::vector<std::string> moduleDirs; // --module-dir: where to look for MODULE.ko
    bool json = false;
    bool activeTasks = false;              // bt -a: the current task of every CPU
    bool allTasks = false;                 // bt --all: every task
    bool lines = false;                    // bt -l: file:line for every frame
    bool offsets = false;                  // struct/union -o: member offsets
    std::optional<std::string> listOffset; // list -o OFFSET|TYPE.member
    std::optional<std::string> listStruct; // list -s TYPE[.member,...]
    bool listHead = false;                 // list -H: the address is the list's head
    bool help = false;
    bool version = false;
};

// The last positional argument is the dump; the ones before it are the verb's. `--split FILE`
// adds a further part of a split dump. Errc::Usage with a one-line message on bad arguments.
Result<Options> parseOptions(const std::vector<std::string>& argv);

} // namespace panicscope::cli
