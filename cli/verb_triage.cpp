#include "report/json_text.h"
#include "report/triage_report.h"
#include "triage/console_triage.h"
#include "triage/dump_triage.h"
#include "triage_batch.h"
#include "verbs.h"

namespace panicscope::cli {

namespace {

// A record for an input that gave no report: the batch's shape of a failure.
nlohmann::ordered_json errorRecord(const std::string& source, const std::string& path,
                                   const Error& error) {
    return {{"schema", triage::kCrashReportSchema},
            {"source", source},
            {"path", path},
            {"error", error.message}};
}

int usage(std::ostream& err, const std::string& message) {
    err << "panicscope: triage: " << message << " (see 'panicscope triage --help')\n";
    return 2;
}

void print(const triage::CrashReport& report, const Options& options, std::ostream& out) {
    if (options.json)
        out << report::jsonText(report::crashReportJson(report), -1) << '\n';
    else
        report::printCrashReport(out, report);
}

int runTriage(const model::Session& session, const Options& options, std::ostream& out,
              std::ostream& err) {
    auto report = triage::triageDump(session);
    if (!report) {
        if (options.json)
            out << report::jsonText(errorRecord("dump", session.dumpPath(), report.error()), -1)
                << '\n';
        return reportError(err, report.error());
    }
    print(*report, options, out);
    return 0;
}

// triage --console FILE...: every argument is a text file, no dump is opened.
std::optional<int> runTriageConsole(const Options& options, std::ostream& out, std::ostream& err) {
    if (!options.has("--console")) return std::nullopt;
    if (options.args.empty()) {
        err << "panicscope: triage --console: no console file given (see 'panicscope triage "
               "--help')\n";
        return 2;
    }
    int status = 0;
    for (size_t i = 0; i < options.args.size(); ++i) {
        const std::string& path = options.args[i];
        auto report = triage::triageConsoleFile(path);
        if (!report) {
            if (options.json)
                out << report::jsonText(errorRecord("console", path, report.error()), -1) << '\n';
            status = reportError(err, report.error());
            continue;
        }
        if (!options.json && i > 0) out << '\n';
        print(*report, options, out);
    }
    return status;
}

// Console text, a batch of dumps, or nullopt: one dump, opened by the CLI.
std::optional<int> runTriageStandalone(const Options& options, std::ostream& out,
                                       std::ostream& err) {
    const bool batch = wantsTriageBatch(options);
    if (options.has("--console")) {
        if (batch && (options.has("-j") || options.has("--list") || options.has("--group") ||
                      options.has("--from-json") || options.has("--timeout") ||
                      options.has("--no-cache") || options.has("--dry-run")))
            return usage(err, "--console takes no batch option");
        return runTriageConsole(options, out, err);
    }
    if (batch) return runTriageBatch(options, out, err);
    return std::nullopt;
}

} // namespace

Verb triageVerb() {
    std::vector<OptionSpec> options{
        {"--console", nullptr,
         "the arguments are kernel text (serial console, netconsole, pstore dmesg-ramoops-N, "
         "dmesg, journalctl -k), not a dump"}};
    for (const auto& spec : triageBatchOptions())
        options.push_back(spec);
    Verb verb{"triage",
              "DUMP | [-j N] [--group] DUMP|DIR... | --list FILE | --group --from-json FILE... | "
              "--console FILE...",
              "the crash: kind, title, guilty frame, signature (from a dump or console text); "
              "many dumps in parallel, cached, grouped by signature",
              options,
              0,
              0,
              runTriage};
    verb.runStandalone = runTriageStandalone;
    return verb;
}

} // namespace panicscope::cli
