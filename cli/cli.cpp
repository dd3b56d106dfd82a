#include "cli.h"

#include "verbs.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <vector>

namespace panicscope::cli {

namespace {

constexpr const char* kFooter =
    "DUMP is a kdump-compressed vmcore (makedumpfile, any compression libkdumpfile reads) or an\n"
    "ELF vmcore (/proc/vmcore, QEMU dump-guest-memory).\n"
    "Exit status: 0 success, 1 error (one line on stderr), 2 usage error.\n";

// "  -a, --active      HELP", wrapped under a 22-column head.
void printOption(std::ostream& out, const OptionSpec& spec) {
    std::string head = spec.names;
    for (size_t bar; (bar = head.find('|')) != std::string::npos;)
        head.replace(bar, 1, ", ");
    if (spec.value) head += std::string(" ") + spec.value;
    out << "  " << head;
    const size_t column = 22, width = 100;
    size_t at = head.size() + 2;
    if (at + 2 > column) {
        out << '\n';
        at = 0;
    }
    std::string_view words = spec.help;
    bool first = true;
    while (!words.empty()) {
        const size_t space = words.find(' ');
        const std::string_view word = words.substr(0, space);
        words = space == std::string_view::npos ? "" : words.substr(space + 1);
        if (first || at + 1 + word.size() > width) {
            if (!first) out << '\n', at = 0;
            out << std::string(column - std::min(at, column), ' ');
            at = column;
        } else {
            out << ' ';
            ++at;
        }
        out << word;
        at += word.size();
        first = false;
    }
    out << '\n';
}

void printHelp(std::ostream& out) {
    out << "usage: panicscope VERB [options] [ARGS] DUMP\n"
           "       panicscope help VERB      (or panicscope VERB --help) for one verb's options\n\n"
           "Offline analysis of a Linux kernel crash dump with the vmlinux it was built from.\n\n"
           "verbs:\n";
    for (const auto& v : allVerbs()) {
        std::string head = std::string(v.name) + " " + v.usage;
        head.resize(std::max<size_t>(head.size() + 2, 22), ' ');
        out << "  " << head << v.summary << '\n';
    }
    out << "\noptions of every verb:\n";
    for (const auto& spec : commonOptions())
        printOption(out, spec);
    out << "  --version           the program's version\n\n" << kFooter;
}

int usageError(std::ostream& err, const std::string& message, const std::string& verb = "") {
    err << "panicscope: " << message << " (see 'panicscope " << (verb.empty() ? "" : verb + " ")
        << "--help')\n";
    return 2;
}

int runOnDump(const Verb& verb, Options& options, std::ostream& out, std::ostream& err,
              bool showProgress, bool processExitsAfter) {
    if (options.args.empty())
        return usageError(err, options.verb + ": no dump file given", verb.name);
    options.dumpPaths.insert(options.dumpPaths.begin(), options.args.back());
    options.args.pop_back();
    if (options.args.size() < verb.minArgs || options.args.size() > verb.maxArgs)
        return usageError(
            err, std::string("usage: panicscope ") + verb.name + " [options] " + verb.usage,
            verb.name);

    model::SessionOptions sessionOptions;
    sessionOptions.dumpPaths = options.dumpPaths;
    sessionOptions.vmlinuxPath = options.vmlinux;
    sessionOptions.noVmlinux = options.noVmlinux;
    sessionOptions.debugDirs = options.debugDirs;
    sessionOptions.moduleDirs = options.moduleDirs;
    sessionOptions.prepareUnwinding = verb.unwinds;
    if (showProgress)
        sessionOptions.progress = [&err](const std::string& step) {
            err << "\r\033[Kpanicscope: " << step << "..." << std::flush;
        };
    auto session = model::Session::open(sessionOptions);
    if (showProgress) err << "\r\033[K" << std::flush;
    if (!session) return reportError(err, session.error());
    for (const auto& warning : (*session)->warnings())
        err << "panicscope: warning: " << warning.text << " (results may be partial)\n";
    const int status = verb.run(**session, options, out, err);
    if (processExitsAfter) (void)session->release(); // see cli.h
    return status;
}

} // namespace

const Verb* findVerb(std::string_view name) {
    for (const auto& v : allVerbs())
        if (name == v.name) return &v;
    return nullptr;
}

void printVerbHelp(std::ostream& out, const Verb& verb) {
    out << "usage: panicscope " << verb.name << " [options] " << verb.usage << "\n\n"
        << verb.summary << "\n";
    if (!verb.options.empty()) {
        out << "\noptions:\n";
        for (const auto& spec : verb.options)
            printOption(out, spec);
    }
    out << "\noptions of every verb:\n";
    for (const auto& spec : commonOptions())
        printOption(out, spec);
    out << '\n' << kFooter;
}

std::span<const Verb> allVerbs() {
    static const std::vector<Verb> verbs = {
        infoVerb(),   psVerb(),     btVerb(),        logVerb(),    symVerb(),   rdVerb(),
        disVerb(),    searchVerb(), modVerb(),       structVerb(), unionVerb(), pVerb(),
        whatisVerb(), listVerb(),   sysVerb(),       kmemVerb(),   runqVerb(),  irqVerb(),
        triageVerb(), shellVerb(),  entryTableVerb()};
    return verbs;
}

int reportError(std::ostream& err, const Error& error) {
    err << "panicscope: " << error.message << '\n';
    return 1;
}

namespace {

int runChecked(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
               bool showProgress, bool processExitsAfter) {
    auto options = parseOptions(args, allVerbs());
    if (!options) {
        // Point at the verb's own help when the verb is known.
        auto named = std::find_if(args.begin(), args.end(),
                                  [](const std::string& a) { return !a.starts_with('-'); });
        const bool known = named != args.end() && findVerb(*named);
        return usageError(err, options.error().message, known ? *named : "");
    }
    if (options->version) {
        out << "panicscope " << PANICSCOPE_VERSION << '\n';
        return 0;
    }
    const Verb* verb = findVerb(options->verb);
    if (options->help) {
        if (verb)
            printVerbHelp(out, *verb);
        else
            printHelp(out);
        return 0;
    }
    if (verb->runStandalone)
        if (auto status = verb->runStandalone(*options, out, err)) return *status;
    return runOnDump(*verb, *options, out, err, showProgress, processExitsAfter);
}

} // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        bool showProgress, bool processExitsAfter) {
    int status = 1;
    try {
        status = runChecked(args, out, err, showProgress, processExitsAfter);
    } catch (const std::bad_alloc&) {
        err << "panicscope: out of memory (a size in the dump may be damaged)\n";
        return 1;
    } catch (const std::exception& e) {
        err << "panicscope: internal error: " << e.what() << '\n';
        return 1;
    }
    // Output to a full disk or a closed file must not pass for success.
    errno = 0;
    if (!out.flush()) {
        const int error = errno;
        err << "panicscope: cannot write the output" << (error ? ": " : "")
            << (error ? std::strerror(error) : "") << '\n';
        return 1;
    }
    return status;
}

} // namespace panicscope::cli
