#include "shell.h"

#include "shell_line.h"
#include "shell_output.h"
#include "spelling.h"
#include "verbs.h"

#include <algorithm>

namespace panicscope::cli {

namespace {

constexpr const char* kPrompt = "panicscope> ";

// A verb's usage without the dump, which the shell already has: "[PID...] DUMP" -> "[PID...]".
std::string shellUsage(const Verb& verb) {
    std::string usage = verb.usage;
    usage.resize(std::min(usage.size(), usage.find("DUMP")));
    while (!usage.empty() && usage.back() == ' ')
        usage.pop_back();
    return std::string(verb.name) + (usage.empty() ? "" : " " + usage);
}

void printShellHelp(std::ostream& out, std::span<const Verb> verbs) {
    out << "verbs (as on the command line, without the dump; 'help VERB' for one verb's "
           "options):\n";
    for (const auto& v : verbs) {
        if (std::string_view(v.name) == "shell") continue;
        std::string head = shellUsage(v);
        head.resize(std::max<size_t>(head.size() + 2, 22), ' ');
        out << "  " << head << v.summary << '\n';
    }
    out << "\nshell commands:\n"
           "  help [VERB]           this help, or one verb's\n"
           "  quit, exit, Ctrl-D    leave the shell\n"
           "\noutput: VERB ... > FILE, VERB ... >> FILE (append), VERB ... | COMMAND (/bin/sh);\n"
           "on a terminal it goes through $PAGER (default 'less -FRX').\n";
}

// The options the dump was opened with belong to the shell, not to one command.
bool namesTheSession(const Options& o) {
    return o.vmlinux || !o.debugDirs.empty() || !o.moduleDirs.empty() || !o.dumpPaths.empty() ||
           o.debuginfod;
}

class Shell {
  public:
    Shell(const model::Session& session, std::ostream& out, std::ostream& err, bool page,
          const plugin::Registry* registry)
        : session_(session), out_(out), err_(err), page_(page), registry_(registry),
          verbs_(registry ? verbTable(*registry)
                          : std::vector<Verb>(allVerbs().begin(), allVerbs().end())) {}

    // Runs one line; false when it asks to leave.
    bool runLine(const std::string& text) {
        auto line = parseShellLine(text);
        if (!line) return error(line.error().message);
        const auto& words = line->words;
        if (words.empty()) return true;
        if (words[0] == "quit" || words[0] == "exit") return false;
        if (words[0] == "help" && words.size() <= 2) return help(*line);
        auto options = parseOptions(words, verbs_);
        if (!options) return error(options.error().message);
        options->registry = registry_;
        const Verb* verb = findVerb(verbs_, options->verb);
        if (std::string_view(verb->name) == "shell") return error("already in the shell");
        if (namesTheSession(*options))
            return error(options->verb + ": --vmlinux, --debug-dir, --module-dir, --debuginfod "
                                         "and --split are given once, to 'panicscope shell'");
        if (options->help)
            return withOutput(*line, [&](std::ostream& o) { printVerbHelp(o, *verb); });
        if (options->args.size() < verb->minArgs || options->args.size() > verb->maxArgs)
            return error("usage: " + shellUsage(*verb));
        return withOutput(*line, [&](std::ostream& o) { verb->run(session_, *options, o, err_); });
    }

  private:
    bool error(const std::string& message) {
        out_.flush();
        err_ << "panicscope: " << message << '\n';
        return true;
    }

    bool help(const ShellLine& line) {
        if (line.words.size() == 1)
            return withOutput(line, [this](std::ostream& o) { printShellHelp(o, verbs_); });
        const Verb* verb = findVerb(verbs_, line.words[1]);
        if (!verb) {
            std::vector<std::string_view> names;
            for (const auto& v : verbs_)
                names.push_back(v.name);
            std::string message = "unknown command '" + line.words[1] + "'";
            if (auto guess = closestName(line.words[1], names))
                message += "; did you mean '" + *guess + "'?";
            return error(message);
        }
        return withOutput(line, [&](std::ostream& o) { printVerbHelp(o, *verb); });
    }

    template <class Print> bool withOutput(const ShellLine& line, Print print) {
        auto output = CommandOutput::open(line, out_, page_);
        if (!output) return error(output.error().message);
        print((*output)->stream());
        (*output)->close();
        err_.flush();
        return true;
    }

    const model::Session& session_;
    std::ostream& out_;
    std::ostream& err_;
    bool page_;
    const plugin::Registry* registry_;
    std::vector<Verb> verbs_; // the CLI's own and the plugins'
};

} // namespace

int runShell(const model::Session& session, LineReader& reader, std::ostream& out,
             std::ostream& err, bool page, const plugin::Registry* registry) {
    Shell shell(session, out, err, page, registry);
    while (auto line = reader.readLine(kPrompt))
        if (!shell.runLine(*line)) break;
    out.flush();
    return 0;
}

} // namespace panicscope::cli
