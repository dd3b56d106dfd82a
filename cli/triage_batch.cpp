#include "triage_batch.h"

#include "plugin/registry.h"
#include "report/json_text.h"
#include "report/triage_groups.h"
#include "triage/batch_inputs.h"
#include "triage/crash_report.h"
#include "triage/result_cache.h"
#include "util/worker_processes.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

namespace panicscope::cli {

namespace {

using nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

constexpr unsigned kDefaultTimeoutSeconds = 300;
constexpr unsigned kMaxJobs = 1024;

int usage(std::ostream& err, const std::string& message) {
    err << "panicscope: triage: " << message << " (see 'panicscope triage --help')\n";
    return 2;
}

std::optional<unsigned> number(const std::string& text, unsigned min, unsigned max) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max)
        return std::nullopt;
    return value;
}

ordered_json errorRecord(const std::string& path, const std::string& message) {
    return {{"schema", triage::kCrashReportSchema},
            {"source", "dump"},
            {"path", path},
            {"error", message}};
}

// What the worker said last on stderr: its error line without the "panicscope: " prefix.
std::string lastError(const std::string& err) {
    std::string found;
    size_t start = 0;
    while (start < err.size()) {
        size_t eol = err.find('\n', start);
        if (eol == std::string::npos) eol = err.size();
        std::string line = err.substr(start, eol - start);
        start = eol + 1;
        if (line.empty() || line.starts_with("panicscope: warning:")) continue;
        if (line.starts_with("panicscope: ")) line.erase(0, 12);
        found = line;
    }
    return found;
}

// The worker's record: the JSON line it printed, else an error record saying how it ended.
ordered_json workerRecord(const std::string& path, const ProcessOutcome& o,
                          std::chrono::milliseconds timeout) {
    if (o.exitStatus && !o.timedOut) {
        auto record = ordered_json::parse(o.out.substr(0, o.out.find('\n')), nullptr, false);
        if (!record.is_discarded() && record.is_object() && record.contains("schema") &&
            (*o.exitStatus == 0 || record.contains("error"))) {
            record["path"] = path; // as given, not as the worker was told it
            return record;
        }
    }
    const std::string said = lastError(o.err);
    if (o.exitStatus && *o.exitStatus != 0 && !said.empty()) return errorRecord(path, said);
    std::string message = "worker " + describeEnding(o, timeout);
    message +=
        said.empty() ? (o.exitStatus ? " without a record" : "") : " (it said: " + said + ")";
    return errorRecord(path, message);
}

std::string textLine(const ordered_json& r) {
    const std::string path = r.value("path", "");
    if (auto error = r.find("error"); error != r.end() && error->is_string())
        return path + "  error: " + error->get<std::string>();
    std::string hash;
    if (auto s = r.find("signature"); s != r.end() && s->is_object()) hash = s->value("hash", "");
    return path + "  " + (hash.empty() ? std::string(16, '-') : hash) + "  " + r.value("title", "");
}

std::string minutes(double seconds) {
    const long s = static_cast<long>(seconds + 0.5);
    return std::to_string(s / 60) + ":" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60);
}

// Where the records go as they come: printed at once, or kept for --group; the counts and the
// progress line.
class RecordSink {
  public:
    RecordSink(const Options& options, std::ostream& out, std::ostream& err)
        : options_(options), out_(out), err_(err), group_(options.has("--group")) {}

    void add(ordered_json record) {
        if (record.contains("error")) ++failed_;
        if (group_) {
            records_.push_back(std::move(record));
            return;
        }
        // The progress line is on the same terminal: clear it before a record comes out.
        if (options_.showProgress) err_ << "\r\033[K" << std::flush;
        out_ << (options_.json ? report::jsonText(record, -1) : textLine(record)) << '\n';
        out_.flush();
    }
    void printPath(const std::string& path) { out_ << path << '\n'; }
    void expect(size_t total, size_t toAnalyze) { total_ = total, toAnalyze_ = toAnalyze; }
    void analyzedOne() { ++analyzed_; }
    void cachedOne() { ++cached_; }

    void progress() const {
        if (!options_.showProgress || toAnalyze_ == 0) return;
        const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
        const std::string eta =
            analyzed_ ? minutes(elapsed * double(toAnalyze_ - analyzed_) / double(analyzed_)) : "?";
        err_ << "\r\033[Kpanicscope: triage: " << analyzed_ + cached_ << "/" << total_ << " dumps ("
             << cached_ << " cached, " << failed_ << " failed), ETA " << eta << std::flush;
    }
    int finish() {
        if (options_.showProgress)
            err_ << "\r\033[Kpanicscope: triage: " << total_ << " dumps: " << analyzed_
                 << " analyzed, " << cached_ << " from the cache, " << failed_ << " failed\n";
        if (group_) {
            const auto groups = report::groupTriageRecords(records_);
            if (options_.json)
                for (const auto& g : groups)
                    out_ << report::jsonText(report::triageGroupJson(g), -1) << '\n';
            else
                report::printTriageGroups(out_, groups);
        }
        return failed_ ? 1 : 0;
    }

  private:
    const Options& options_;
    std::ostream& out_;
    std::ostream& err_;
    const bool group_;
    std::vector<ordered_json> records_;
    size_t total_ = 0, toAnalyze_ = 0, analyzed_ = 0, cached_ = 0, failed_ = 0;
    Clock::time_point start_ = Clock::now();
};

// What besides the dump and the binary changes a result: the cache key's options part. The
// plugins loaded (from --plugin-dir, $PANICSCOPE_PLUGIN_PATH, the install's directory) are part
// of it: their triage rules and sections change a record, so a record made without a plugin, or
// with another build of it, is not served with it.
std::string resultOptions(const Options& o) {
    std::string text;
    if (o.vmlinux) text += "vmlinux " + *o.vmlinux + " " + triage::fileStamp(*o.vmlinux) + ";";
    for (const auto& d : o.debugDirs)
        text += "debug-dir " + d + ";";
    for (const auto& d : o.moduleDirs)
        text += "module-dir " + d + ";";
    for (const auto& p : registryOf(o).plugins())
        if (!p.path.empty())
            text += "plugin " + p.name + " " + p.version + " " + p.path + " " +
                    triage::fileStamp(p.path) + ";";
    return text;
}

std::vector<std::string> workerCommand(const std::string& self, const Options& o,
                                       const std::string& dump) {
    std::vector<std::string> argv{self, "triage", "--json"};
    if (o.vmlinux) argv.insert(argv.end(), {"--vmlinux", *o.vmlinux});
    for (const auto& d : o.debugDirs)
        argv.insert(argv.end(), {"--debug-dir", d});
    for (const auto& d : o.moduleDirs)
        argv.insert(argv.end(), {"--module-dir", d});
    // The worker loads the same plugins: these directories, then $PANICSCOPE_PLUGIN_PATH and the
    // install's directory as this process did (it inherits the environment).
    for (const auto& d : o.pluginDirs)
        argv.insert(argv.end(), {"--plugin-dir", d});
    argv.insert(argv.end(), {"--", dump});
    return argv;
}

// The paths to triage: the arguments and the --list files, directories searched.
Result<triage::BatchInputs> batchInputs(const Options& options) {
    std::vector<std::string> paths = options.args;
    for (const auto& list : options.values("--list")) {
        auto listed = list == "-" ? triage::readPathList(std::cin) : triage::readPathListFile(list);
        if (!listed) return tl::unexpected(listed.error());
        paths.insert(paths.end(), listed->begin(), listed->end());
    }
    return triage::collectBatchInputs(paths);
}

struct BatchSettings {
    unsigned jobs = 1;
    std::chrono::milliseconds timeout{0};
};

std::optional<BatchSettings> settings(const Options& options, std::ostream& err) {
    BatchSettings s;
    s.jobs = std::max(1u, std::min(std::thread::hardware_concurrency(), kMaxJobs));
    if (auto j = options.value("-j")) {
        auto n = number(*j, 1, kMaxJobs);
        if (!n) {
            usage(err, "-j takes a number of workers from 1 to 1024");
            return std::nullopt;
        }
        s.jobs = *n;
    }
    unsigned seconds = kDefaultTimeoutSeconds;
    if (auto t = options.value("--timeout")) {
        auto n = number(*t, 0, 7 * 24 * 3600);
        if (!n) {
            usage(err, "--timeout takes seconds (0: none)");
            return std::nullopt;
        }
        seconds = *n;
    }
    s.timeout = std::chrono::seconds(seconds);
    return s;
}

int analyzeDumps(const Options& options, const BatchSettings& s, RecordSink& sink,
                 std::ostream& err) {
    auto inputs = batchInputs(options);
    if (!inputs) {
        err << "panicscope: " << inputs.error().message << '\n';
        return 1;
    }
    if (inputs->dumps.empty() && inputs->failures.empty())
        return usage(err, "no dump given (the directories hold no dump files)");
    if (options.has("--dry-run")) {
        for (const auto& dump : inputs->dumps)
            sink.printPath(dump);
        for (const auto& f : inputs->failures)
            err << "panicscope: " << f.message << '\n';
        return inputs->failures.empty() ? 0 : 1;
    }
    for (const auto& f : inputs->failures)
        sink.add(errorRecord(f.path, f.message));
    const auto cache = options.has("--no-cache")
                           ? triage::ResultCache{}
                           : triage::ResultCache::open(resultOptions(options));
    std::vector<std::string> toAnalyze;
    for (const auto& dump : inputs->dumps) {
        auto stored = cache.load(dump);
        auto record = stored ? ordered_json::parse(*stored, nullptr, false) : ordered_json();
        if (!stored || record.is_discarded() || !record.is_object() || record.contains("error")) {
            toAnalyze.push_back(dump);
            continue;
        }
        record["path"] = dump;
        record["cached"] = true;
        sink.cachedOne();
        sink.add(std::move(record));
    }
    sink.expect(inputs->dumps.size(), toAnalyze.size());
    std::error_code ec;
    const std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
    runWorkerProcesses(
        toAnalyze.size(), [&](size_t i) { return workerCommand(self, options, toAnalyze[i]); },
        WorkerOptions{s.jobs, s.timeout, std::chrono::milliseconds(500)},
        [&](size_t i, ProcessOutcome&& outcome) {
            ordered_json record = workerRecord(toAnalyze[i], outcome, s.timeout);
            if (!record.contains("error")) cache.save(toAnalyze[i], record.dump());
            record["cached"] = false;
            sink.analyzedOne();
            sink.add(std::move(record));
            sink.progress();
        },
        [&] { sink.progress(); });
    return sink.finish();
}

// --from-json FILE...: records read back (a batch's output, merged Slurm shards).
int readRecords(const Options& options, RecordSink& sink, std::ostream& err) {
    if (options.args.empty()) return usage(err, "--from-json: no JSON-lines file given");
    int status = 0;
    for (const auto& path : options.args) {
        std::ifstream in(path);
        if (!in) {
            err << "panicscope: cannot open " << path << '\n';
            status = 1;
            continue;
        }
        size_t number = 0;
        for (std::string line; std::getline(in, line);) {
            ++number;
            if (line.empty()) continue;
            auto record = ordered_json::parse(line, nullptr, false);
            if (record.is_discarded() || !record.is_object() || !record.contains("path")) {
                err << "panicscope: " << path << ":" << number << ": not a triage record\n";
                status = 1;
                continue;
            }
            sink.add(std::move(record));
        }
    }
    return std::max(sink.finish(), status);
}

} // namespace

std::vector<OptionSpec> triageBatchOptions() {
    return {
        {"-j|--jobs", "N",
         "analyze N dumps at a time, each in its own worker process (default: one per CPU)"},
        {"--list", "FILE", "also triage the dumps FILE names, one path a line ('-': stdin)"},
        {"--timeout", "SECONDS",
         "a worker still running after SECONDS is killed and its dump gets an error record "
         "(default 300; 0: no limit)"},
        {"--no-cache", nullptr,
         "analyze every dump again, neither reading nor writing the result cache "
         "($XDG_CACHE_HOME/panicscope/triage)"},
        {"--group", nullptr,
         "print buckets by signature (count, title, first and last dump, an example) instead of "
         "one line per dump"},
        {"--dry-run", nullptr,
         "print the paths the batch would triage (directories searched, lists read), one a "
         "line, and analyze nothing"},
        {"--from-json", nullptr,
         "the arguments are JSON-lines files of triage records (a batch's --json output), "
         "printed or grouped again"},
    };
}

bool wantsTriageBatch(const Options& options) {
    for (const auto& spec : triageBatchOptions()) {
        const std::string_view names = spec.names;
        if (options.has(names.substr(0, names.find('|')))) return true;
    }
    if (options.args.size() != 1) return options.args.size() > 1;
    std::error_code ec;
    return std::filesystem::is_directory(options.args.front(), ec);
}

int runTriageBatch(const Options& options, std::ostream& out, std::ostream& err) {
    if (!options.dumpPaths.empty()) return usage(err, "--split takes one dump, not a batch");
    RecordSink sink(options, out, err);
    if (options.has("--from-json")) {
        for (const char* name : {"-j", "--list", "--timeout", "--no-cache", "--dry-run"})
            if (options.has(name))
                return usage(err, std::string(name) + " does not go with --from-json");
        return readRecords(options, sink, err);
    }
    auto s = settings(options, err);
    if (!s) return 2;
    return analyzeDumps(options, *s, sink, err);
}

} // namespace panicscope::cli
