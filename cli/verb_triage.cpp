#include "plugin/registry.h"
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

// The output format --format names (--json: "json"; neither: "text"), from the registry.
Result<const plugin::OutputFormat*> outputFormat(const Options& options) {
    const std::string name = options.value("--format").value_or(options.json ? "json" : "text");
    if (options.json && name != "json")
        return fail(Errc::Usage, "triage: --json and --format " + name + ": give one");
    if (const auto* format = registryOf(options).findFormat(name)) return format;
    std::string known;
    for (const auto& f : registryOf(options).formats())
        known += (known.empty() ? "" : ", ") + f.name;
    return fail(Errc::Usage, "triage: unknown format '" + name + "' (formats: " + known + ")");
}

int print(const triage::CrashReport& report, const plugin::OutputFormat& format, std::ostream& out,
          std::ostream& err) {
    auto text = format.render(report);
    if (!text) return reportError(err, text.error());
    out << *text;
    return 0;
}

int usage(std::ostream& err, const std::string& message) {
    err << "panicscope: triage: " << message << " (see 'panicscope triage --help')\n";
    return 2;
}

int usageError(std::ostream& err, const Error& error) {
    err << "panicscope: " << error.message << " (see 'panicscope triage --help')\n";
    return 2;
}

int runTriage(const model::Session& session, const Options& options, std::ostream& out,
              std::ostream& err) {
    auto format = outputFormat(options);
    if (!format) return usageError(err, format.error());
    auto report = triage::triageDump(session, registryOf(options));
    if (!report) {
        if (options.json)
            out << report::jsonText(errorRecord("dump", session.dumpPath(), report.error()), -1)
                << '\n';
        return reportError(err, report.error());
    }
    return print(*report, **format, out, err);
}

// triage --console FILE...: every argument is a text file, no dump is opened.
std::optional<int> runTriageConsole(const Options& options, std::ostream& out, std::ostream& err) {
    if (!options.has("--console")) return std::nullopt;
    if (options.args.empty()) {
        err << "panicscope: triage --console: no console file given (see 'panicscope triage "
               "--help')\n";
        return 2;
    }
    auto format = outputFormat(options);
    if (!format) return usageError(err, format.error());
    int status = 0;
    for (size_t i = 0; i < options.args.size(); ++i) {
        const std::string& path = options.args[i];
        auto report = triage::triageConsoleFile(path, registryOf(options));
        if (!report) {
            if (options.json)
                out << report::jsonText(errorRecord("console", path, report.error()), -1) << '\n';
            status = reportError(err, report.error());
            continue;
        }
        if ((*format)->name == "text" && i > 0) out << '\n';
        if (print(*report, **format, out, err) != 0) status = 1;
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
         "dmesg, journalctl -k), not a dump"},
        // plugins
        {"--format", "NAME",
         "print each record in an output format: text (the default), json (as --json), or "
         "one a plugin adds (panicscope plugins lists them)"}};
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
