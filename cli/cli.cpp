#include "cli.h"

#include "json_document.h"
#include "plugin/plugin_loader.h"
#include "plugin/registry.h"
#include "verbs.h"

#include "util/dump_text.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
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

void printHelp(std::ostream& out, std::span<const Verb> verbs) {
    out << "usage: panicscope VERB [options] [ARGS] DUMP\n"
           "       panicscope help VERB      (or panicscope VERB --help) for one verb's options\n\n"
           "Offline analysis of a Linux kernel crash dump with the vmlinux it was built from.\n\n"
           "verbs:\n";
    for (const auto& v : verbs) {
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

// --debuginfod URL, else the servers the environment names, as every elfutils tool reads them.
std::string debuginfodUrls(const Options& options) {
    if (options.debuginfod) return *options.debuginfod;
    const char* urls = std::getenv("DEBUGINFOD_URLS");
    return urls ? urls : "";
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
    sessionOptions.debuginfodUrls = debuginfodUrls(options);
    sessionOptions.note = [&err](const std::string& note) {
        err << "panicscope: " << note << "...\n" << std::flush;
    };
    sessionOptions.prepareSourceLines = !verb.printsSourceLines || verb.printsSourceLines(options);
    if (showProgress)
        sessionOptions.progress = [&err](const std::string& step) {
            err << "\r\033[Kpanicscope: " << step << "..." << std::flush;
        };
    auto session = model::Session::open(sessionOptions);
    if (showProgress) err << "\r\033[K" << std::flush;
    if (!session) return reportError(err, session.error());
    // What opening found, and a damaged task list: every verb says them, whatever it reads.
    for (const auto& warning : runWarnings(**session))
        err << "panicscope: warning: " << escapeControlCharacters(warning.text)
            << " (results may be partial)\n";
    const int status = verb.run(**session, options, out, err);
    if (processExitsAfter) (void)session->release(); // see cli.h
    return status;
}

} // namespace

const Verb* findVerb(std::string_view name) {
    return findVerb(allVerbs(), name);
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
        infoVerb(), psVerb(), btVerb(), logVerb(), symVerb(), rdVerb(), disVerb(), searchVerb(),
        modVerb(), structVerb(), unionVerb(), pVerb(), whatisVerb(), listVerb(), sysVerb(),
        kmemVerb(), runqVerb(), irqVerb(), triageVerb(), shellVerb(), entryTableVerb(),
        // plugins
        pluginsVerb()};
    return verbs;
}

std::vector<Verb> verbTable(const plugin::Registry& registry) {
    std::vector<Verb> table(allVerbs().begin(), allVerbs().end());
    for (const auto& v : registry.verbs()) {
        std::vector<OptionSpec> specs;
        for (const auto& o : v.options)
            specs.push_back(
                {o.names.c_str(), o.value ? o.value->c_str() : nullptr, o.help.c_str()});
        auto run = [&v](const model::Session& session, const Options& options, std::ostream& out,
                        std::ostream& err) {
            return v.run(session, plugin::VerbCall{options.args, options.given, options.json}, out,
                         err);
        };
        table.push_back({v.name.c_str(), v.usage.c_str(), v.summary.c_str(), std::move(specs),
                         v.minArgs, v.maxArgs, run});
    }
    return table;
}

int reportError(std::ostream& err, const Error& error) {
    // One line, whatever the dump put into the message (a damaged banner holds newlines and
    // escape sequences): control characters as \xHH.
    err << "panicscope: " << escapeControlCharacters(error.message) << '\n';
    return 1;
}

namespace {

// --plugin-dir DIR anywhere in the arguments: plugins load before the verb table is complete.
std::vector<std::string> pluginDirsIn(const std::vector<std::string>& args) {
    std::vector<std::string> dirs;
    for (size_t i = 0; i < args.size() && args[i] != "--"; ++i) {
        if (args[i] == "--plugin-dir" && i + 1 < args.size())
            dirs.push_back(args[++i]);
        else if (args[i].starts_with("--plugin-dir="))
            dirs.push_back(args[i].substr(13));
    }
    return dirs;
}

// The built-in plugin, then the plugins of the directories; a refused one is one line on `err`.
void loadPlugins(plugin::Registry& registry, const std::vector<std::string>& args,
                 std::ostream& err) {
    plugin::registerBuiltins(registry);
    std::vector<std::string> ownVerbs;
    for (const auto& v : allVerbs())
        ownVerbs.push_back(v.name);
    ownVerbs.push_back("help");
    registry.reserveVerbNames(ownVerbs);
    plugin::loadPluginDirectories(registry,
                                  plugin::pluginDirectories(pluginDirsIn(args),
                                                            std::getenv("PANICSCOPE_PLUGIN_PATH"),
                                                            plugin::defaultPluginDirectory()));
    for (const auto& r : registry.refused())
        err << "panicscope: plugin " << r.path << " refused: " << r.reason << '\n';
}

int runChecked(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
               bool showProgress, bool processExitsAfter) {
    plugin::Registry registry;
    loadPlugins(registry, args, err);
    const std::vector<Verb> verbs = verbTable(registry);
    auto options = parseOptions(args, verbs);
    if (!options) {
        // Point at the verb's own help when the verb is known.
        auto named = std::find_if(args.begin(), args.end(),
                                  [](const std::string& a) { return !a.starts_with('-'); });
        const bool known = named != args.end() && findVerb(verbs, *named);
        return usageError(err, options.error().message, known ? *named : "");
    }
    options->registry = &registry;
    if (options->version) {
        out << "panicscope " << PANICSCOPE_VERSION << '\n';
        return 0;
    }
    options->showProgress = showProgress;
    const Verb* verb = findVerb(verbs, options->verb);
    if (options->help) {
        if (verb)
            printVerbHelp(out, *verb);
        else
            printHelp(out, verbs);
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
