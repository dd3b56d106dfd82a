#include "cli.h"

#include "verbs.h"

#include <array>

namespace panicscope::cli {

namespace {

constexpr std::array kVerbs = {
    Verb{"info", "DUMP", "release, CPUs, panic message and CPU, crashing task, uptime", 0, 0,
         runInfo},
    Verb{"ps", "DUMP", "every process and thread ('>' on a CPU, '*' the crashing task)", 0, 0,
         runPs},
    Verb{"bt", "[-a|--all] [-l] [PID...] DUMP",
         "kernel stacks: the crashing task's, each CPU's current task's (-a), every task's "
         "(--all) or the given pids'; -l adds file:line",
         0, 1u << 20, runBt},
    Verb{"log", "DUMP", "the kernel log, one line per record as dmesg prints it", 0, 0, runLog},
    Verb{"sym", "ADDR|NAME DUMP",
         "the symbol+offset at an address, or a symbol's address, "
         "with file:line",
         1, 1, runSym},
    Verb{"struct", "TYPE[.member,...] [ADDR] [-o] DUMP",
         "a struct's definition (-o: with member offsets), or the object at ADDR (only the "
         "members named, dotted paths too)",
         1, 2, runStruct},
    Verb{"union", "TYPE[.member,...] [ADDR] [-o] DUMP", "the same as struct, for a union", 1, 2,
         runUnion},
    Verb{"p", "VARIABLE[.member...][:CPU[,CPU...]|:a] DUMP",
         "a global variable's value, or a per-CPU variable's on the given CPUs (a: all)", 1, 1,
         runP},
    Verb{"whatis", "VARIABLE|[struct|union|enum] TYPE DUMP",
         "a variable's declaration or a type's definition and size", 1, 2, runWhatis},
    Verb{"list", "[-o OFFSET|TYPE.member] [-s TYPE[.member,...]] [-H] ADDR DUMP",
         "the entries of a list_head chain from ADDR (-H: ADDR is the list's head), each "
         "printed as TYPE with -s",
         1, 2, runList},
    Verb{"entry-table", "DUMP | --vmlinux FILE",
         "every entry-code call site and where its pt_regs lies", 0, 0, runEntryTable},
};

constexpr const char* kOptionsHelp =
    "options:\n"
    "  --vmlinux FILE   the vmlinux with debug info; by default found from the dump's release\n"
    "                   in /usr/lib/debug/boot/vmlinux-RELEASE,\n"
    "                   /usr/lib/debug/lib/modules/RELEASE/vmlinux, /boot/vmlinux-RELEASE and\n"
    "                   /lib/modules/RELEASE/build/vmlinux\n"
    "  --debug-dir DIR  look for the vmlinux in DIR first (repeatable)\n"
    "  --module-dir DIR searched recursively for MODULE.ko with debug info, for file:line and\n"
    "                   inline frames of module frames (bt -l / --json); plain .ko files only\n"
    "                   (not .ko.xz/.ko.zst); a .ko of another build is ignored with a warning\n"
    "                   (repeatable)\n"
    "  --split FILE     another part of a makedumpfile --split dump set (repeatable)\n"
    "  --json           print one JSON document on stdout (schema: docs/json-schema.md)\n"
    "  -a, --all, -l    bt: every CPU's current task, every task, file:line per frame\n"
    "  -o               struct, union: member offsets\n"
    "  -o OFFSET|TYPE.member, -s TYPE[.member,...], -H\n"
    "                   list: where the list_head is in an entry, print each entry as TYPE,\n"
    "                   the address is the list's head\n"
    "  -h, --help       this help; 'panicscope VERB --help' for one verb\n"
    "  --version        the program's version\n"
    "\n"
    "DUMP is a kdump-compressed vmcore (makedumpfile, any compression libkdumpfile reads) or an\n"
    "ELF vmcore (/proc/vmcore, QEMU dump-guest-memory).\n"
    "Exit status: 0 success, 1 error (one line on stderr), 2 usage error.\n";

void printHelp(std::ostream& out) {
    out << "usage: panicscope VERB [options] [ARGS] DUMP\n\n"
           "Offline analysis of a Linux kernel crash dump with the vmlinux it was built from.\n\n"
           "verbs:\n";
    for (const auto& v : kVerbs) {
        std::string head = std::string(v.name) + " " + v.usage;
        head.resize(std::max<size_t>(head.size() + 2, 22), ' ');
        out << "  " << head << v.summary << '\n';
    }
    out << '\n' << kOptionsHelp;
}

int usageError(std::ostream& err, const std::string& message) {
    err << "panicscope: " << message << " (see 'panicscope --help')\n";
    return 2;
}

} // namespace

std::span<const Verb> allVerbs() {
    return kVerbs;
}

int reportError(std::ostream& err, const Error& error) {
    err << "panicscope: " << error.message << '\n';
    return 1;
}

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        bool showProgress, bool processExitsAfter) {
    auto options = parseOptions(args);
    if (!options) return usageError(err, options.error().message);
    const Verb* verb = nullptr;
    for (const auto& v : kVerbs)
        if (options->verb == v.name) verb = &v;
    if (options->version) {
        out << "panicscope " << PANICSCOPE_VERSION << '\n';
        return 0;
    }
    if (options->help) {
        if (verb)
            out << "usage: panicscope " << verb->name << " [options] " << verb->usage << "\n\n"
                << verb->summary << "\n\n"
                << kOptionsHelp;
        else
            printHelp(out);
        return 0;
    }
    if (!verb) return usageError(err, "unknown command '" + options->verb + "'");
    if (options->args.size() < verb->minArgs || options->args.size() > verb->maxArgs)
        return usageError(err, std::string("usage: panicscope ") + verb->name + " [options] " +
                                   verb->usage);

    // Only `entry-table --vmlinux FILE` parses without a dump: it needs no session.
    if (options->dumpPaths.empty()) return runEntryTableForVmlinux(*options, out, err);

    model::SessionOptions sessionOptions;
    sessionOptions.dumpPaths = options->dumpPaths;
    sessionOptions.vmlinuxPath = options->vmlinux;
    sessionOptions.debugDirs = options->debugDirs;
    sessionOptions.moduleDirs = options->moduleDirs;
    sessionOptions.prepareUnwinding = options->verb == "bt";
    if (showProgress)
        sessionOptions.progress = [&err](const std::string& step) {
            err << "\r\033[Kpanicscope: " << step << "..." << std::flush;
        };
    auto session = model::Session::open(sessionOptions);
    if (showProgress) err << "\r\033[K" << std::flush;
    if (!session) return reportError(err, session.error());
    for (const auto& warning : (*session)->warnings())
        err << "panicscope: warning: " << warning.text << " (results may be partial)\n";
    const int status = verb->run(**session, *options, out, err);
    if (processExitsAfter) (void)session->release(); // see cli.h
    return status;
}

} // namespace panicscope::cli
