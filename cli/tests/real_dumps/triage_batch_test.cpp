// `triage` over many dumps, run as the real binary (its workers are that binary): every input
// gets a record -- a dump the record `triage --json DUMP` gives alone, a truncated copy and a file
// that is no dump the error the single run prints -- exit status 1; a directory is searched by
// magic; `--list` equals the paths given; the cache makes a second run analyze nothing and
// ignores damaged entries; `--group` counts add up, fresh or from the JSON lines.
#include "dump_manifest.h"
#include "run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sys/wait.h>

namespace panicscope::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// Runs the panicscope binary; stderr through a file, stdin from `input` when given.
CliResult runBinary(const std::vector<std::string>& args, const std::string& env,
                    const std::string& input = "/dev/null") {
    const fs::path errFile =
        fs::temp_directory_path() / ("psbatch-err-" + std::to_string(::getpid()));
    std::string command = env + " " + quoted(PANICSCOPE_BINARY);
    for (const auto& a : args)
        command += " " + quoted(a);
    command += " <" + quoted(input) + " 2>" + quoted(errFile.string());
    CliResult r;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return r;
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
        r.out.append(buffer, n);
    const int status = ::pclose(pipe);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::getline(std::ifstream(errFile), r.err, '\0');
    fs::remove(errFile);
    return r;
}

std::vector<json> lines(const std::string& text) {
    std::vector<json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(json::parse(line));
    return out;
}

std::map<std::string, json> byPath(const std::vector<json>& records) {
    std::map<std::string, json> out;
    for (const auto& r : records)
        EXPECT_TRUE(out.emplace(r["path"].get<std::string>(), r).second) << r["path"];
    return out;
}

json withoutCached(json record) {
    record.erase("cached");
    return record;
}

// The inputs: four dumps of the main kernel (two captures of one crash: one signature), a
// truncated copy, a text file; all in a directory beside the vmlinux, which is no dump.
struct Batch {
    fs::path dir, cache;
    std::string vmlinux, truncated, text;
    std::vector<std::string> dumps;     // the four dumps, as the directory holds them
    std::map<std::string, json> single; // each input's `triage --json` record, alone
    std::map<std::string, std::string> singleError;
    std::string env; // the cache directory for the binary
};

// Removes the inputs' directory when the test program ends.
struct RemoveAtExit {
    fs::path dir;
    ~RemoveAtExit() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

const Batch& batch() {
    static const Batch b = [] {
        Batch b;
        b.dir = fs::temp_directory_path() / ("psbatch-" + std::to_string(::getpid()));
        fs::remove_all(b.dir);
        fs::create_directories(b.dir / "dumps" / "sub");
        b.cache = b.dir / "cache";
        b.env = "PANICSCOPE_TRIAGE_CACHE_DIR=" + quoted(b.cache.string());
        const DumpRow* rows[] = {&manifestRow("mod-null", "kdump", "kdump-zlib"),
                                 &manifestRow("mod-bug", "kdump", "kdump-zlib"),
                                 &manifestRow("process", "kdump", "kdump-zlib"),
                                 &manifestRow("process", "qemu", "elf")};
        b.vmlinux = rows[0]->vmlinux;
        for (const auto* row : rows) {
            const fs::path link = b.dir / "dumps" / (row == rows[3] ? "sub" : "") /
                                  (row->scenario + "-" + row->method);
            fs::create_symlink(row->dump, link);
            b.dumps.push_back(link.string());
        }
        fs::create_symlink(b.vmlinux, b.dir / "dumps" / "vmlinux");
        b.truncated = (b.dir / "dumps" / "truncated-vmcore").string();
        std::ifstream in(rows[1]->dump, std::ios::binary);
        std::string head(8192, '\0');
        in.read(head.data(), static_cast<std::streamsize>(head.size()));
        std::ofstream(b.truncated, std::ios::binary) << head;
        b.text = (b.dir / "console.log").string();
        std::ofstream(b.text) << "[    0.000000] Linux version 6.1.0\n";
        for (const auto& path : b.dumps)
            b.single[path] =
                json::parse(runCli({"triage", "--json", path, "--vmlinux", b.vmlinux}).out);
        for (const auto& path : {b.truncated, b.text}) {
            auto r = runCli({"triage", "--json", path, "--vmlinux", b.vmlinux});
            EXPECT_EQ(r.status, 1);
            b.singleError[path] = r.err.substr(12, r.err.size() - 13); // "panicscope: ", "\n"
        }
        return b;
    }();
    static const RemoveAtExit cleanup{b.dir};
    return b;
}

TEST(TriageBatch, EveryInputGetsItsRecordAndBadOnesAnError) {
    const Batch& b = batch();
    fs::remove_all(b.cache);
    std::vector<std::string> args{"triage",     "-j",        "2",      "--json",
                                  "--no-cache", "--vmlinux", b.vmlinux};
    args.insert(args.end(), b.dumps.begin(), b.dumps.end());
    args.insert(args.end(), {b.truncated, b.text});
    auto r = runBinary(args, b.env);
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_EQ(r.err, ""); // stderr is no terminal: no progress
    auto records = byPath(lines(r.out));
    ASSERT_EQ(records.size(), 6u);
    for (const auto& path : b.dumps) {
        SCOPED_TRACE(path);
        EXPECT_EQ(records.at(path)["cached"], false);
        EXPECT_EQ(withoutCached(records.at(path)), b.single.at(path));
    }
    for (const auto& path : {b.truncated, b.text}) {
        SCOPED_TRACE(path);
        EXPECT_EQ(records.at(path), json({{"schema", 1},
                                          {"source", "dump"},
                                          {"path", path},
                                          {"error", b.singleError.at(path)},
                                          {"cached", false}}));
    }
    EXPECT_FALSE(fs::exists(b.cache));
    // Text: one line per dump, path, signature and title, or the error.
    args.erase(args.begin() + 3); // --json
    auto text = runBinary(args, b.env);
    EXPECT_EQ(text.status, 1);
    const json& one = b.single.at(b.dumps[0]);
    EXPECT_NE(text.out.find(b.dumps[0] + "  " + one["signature"]["hash"].get<std::string>() + "  " +
                            one["title"].get<std::string>() + "\n"),
              std::string::npos);
    EXPECT_NE(text.out.find(b.text + "  error: " + b.singleError.at(b.text) + "\n"),
              std::string::npos);
}

TEST(TriageBatch, ADirectoryIsSearchedByMagicAndAListEqualsThePaths) {
    const Batch& b = batch();
    auto fromDir = runBinary(
        {"triage", "--json", "--no-cache", "--vmlinux", b.vmlinux, (b.dir / "dumps").string()},
        b.env);
    EXPECT_EQ(fromDir.status, 1);
    auto records = byPath(lines(fromDir.out));
    std::set<std::string> expected(b.dumps.begin(), b.dumps.end());
    expected.insert(b.truncated); // its kdump header is there; the vmlinux is no core
    std::set<std::string> found;
    for (const auto& [path, record] : records)
        found.insert(path);
    EXPECT_EQ(found, expected);

    const fs::path list = b.dir / "list";
    std::ofstream(list) << b.dumps[0] << "\n\n" << b.text << "\r\n" << b.dumps[2] << "\n";
    // These three share the cache: the dumps are analyzed once, the records compared.
    auto listed =
        runBinary({"triage", "--json", "--vmlinux", b.vmlinux, "--list", list.string()}, b.env);
    auto given = runBinary(
        {"triage", "--json", "--vmlinux", b.vmlinux, b.dumps[0], b.text, b.dumps[2]}, b.env);
    auto fromStdin = runBinary({"triage", "--json", "--vmlinux", b.vmlinux, "--list", "-"}, b.env,
                               list.string());
    EXPECT_EQ(listed.status, 1);
    EXPECT_EQ(byPath(lines(listed.out)).size(), 3u);
    auto same = [](const std::string& out) {
        std::map<std::string, json> records;
        for (const auto& [path, record] : byPath(lines(out)))
            records[path] = withoutCached(record);
        return records;
    };
    EXPECT_EQ(same(listed.out), same(given.out));
    EXPECT_EQ(same(fromStdin.out), same(given.out));
}

TEST(TriageBatch, TheCacheSkipsAnalyzedDumpsAndIgnoresDamagedEntries) {
    const Batch& b = batch();
    const std::vector<std::string> args{
        "triage", "-j", "2", "--json", "--vmlinux", b.vmlinux, (b.dir / "dumps").string()};
    fs::remove_all(b.cache);
    const auto first = byPath(lines(runBinary(args, b.env).out));
    const auto second = byPath(lines(runBinary(args, b.env).out));
    ASSERT_EQ(first.size(), 5u);
    ASSERT_EQ(second.size(), 5u);
    for (const auto& [path, record] : first) {
        SCOPED_TRACE(path);
        const bool bad = path == b.truncated;
        EXPECT_EQ(record["cached"], false);
        EXPECT_EQ(second.at(path)["cached"], !bad); // errors are analyzed again
        EXPECT_EQ(withoutCached(second.at(path)), withoutCached(record));
    }
    size_t entries = 0;
    for (const auto& e : fs::directory_iterator(b.cache)) {
        std::ofstream(e.path(), std::ios::trunc) << "panicscope-triage-cache 1\ngarbage\n{";
        ++entries;
    }
    EXPECT_EQ(entries, b.dumps.size());
    const auto third = byPath(lines(runBinary(args, b.env).out));
    for (const auto& [path, record] : third) {
        EXPECT_EQ(record["cached"], false) << path;
        EXPECT_EQ(withoutCached(record), withoutCached(first.at(path))) << path;
    }
}

TEST(TriageBatch, GroupCountsAddUpFreshAndFromJson) {
    const Batch& b = batch();
    std::vector<std::string> args{"triage", "--json", "--vmlinux", b.vmlinux};
    args.insert(args.end(), b.dumps.begin(), b.dumps.end());
    args.insert(args.end(), {b.truncated, b.text});
    auto plain = runBinary(args, b.env);
    const fs::path jsonl = b.dir / "records.jsonl";
    std::ofstream(jsonl) << plain.out;
    args.push_back("--group");
    auto fresh = runBinary(args, b.env);
    auto again = runBinary({"triage", "--json", "--group", "--from-json", jsonl.string()}, b.env);
    EXPECT_EQ(fresh.status, 1);
    EXPECT_EQ(again.status, 1);
    const auto groups = lines(fresh.out);
    EXPECT_EQ(groups, lines(again.out));
    // mod-null, mod-bug, the sysrq crash of two captures, the two failures.
    ASSERT_EQ(groups.size(), 4u);
    size_t total = 0;
    for (const auto& g : groups)
        total += g["count"].get<size_t>();
    EXPECT_EQ(total, 6u);
    const json& sysrq = b.single.at(b.dumps[2]);
    EXPECT_EQ(groups[0]["count"], 2);
    EXPECT_EQ(groups[0]["signature"], sysrq["signature"]["hash"]);
    EXPECT_EQ(groups[0]["title"], sysrq["title"]);
    EXPECT_EQ(groups[0]["failed"], false);
    // First and last by the crash time each record carries.
    const json& other = b.single.at(b.dumps[3]);
    const bool kdumpFirst = sysrq["crash_time"] <= other["crash_time"];
    EXPECT_EQ(groups[0]["first"]["path"], kdumpFirst ? b.dumps[2] : b.dumps[3]);
    EXPECT_EQ(groups[0]["last"]["path"], kdumpFirst ? b.dumps[3] : b.dumps[2]);
    EXPECT_TRUE(sysrq["crash_time"].is_string());
    EXPECT_EQ(groups.back()["failed"], true);
    EXPECT_EQ(groups.back()["count"], 2);
    EXPECT_EQ(groups.back()["signature"], nullptr);
    auto text = runBinary({"triage", "--group", "--from-json", jsonl.string()}, b.env);
    EXPECT_EQ(text.out.substr(0, text.out.find('\n')), "COUNT  SIGNATURE         TITLE");
    EXPECT_NE(text.out.find("    2  " + sysrq["signature"]["hash"].get<std::string>() + "  " +
                            sysrq["title"].get<std::string>() + "\n"),
              std::string::npos);
}

// --plugin-dir reaches the workers: each batch record equals the one-dump record made with the
// example plugin (its "guilty module" section); the cache key holds the loaded plugins, so a
// record made without the plugin is not served with it (nor the other way round), and the same
// plugin from $PANICSCOPE_PLUGIN_PATH is the same key.
TEST(TriageBatch, WorkersApplyThePluginsAndTheCacheKeyHoldsThem) {
    const Batch& b = batch();
    const std::string pluginDir = PANICSCOPE_EXAMPLE_PLUGIN_DIR;
    const std::vector<std::string> dumps{b.dumps[0], b.dumps[1]}; // mod-null, mod-bug
    std::map<std::string, json> withPlugin;
    for (const auto& path : dumps) {
        auto one =
            runCli({"triage", "--json", path, "--vmlinux", b.vmlinux, "--plugin-dir", pluginDir});
        ASSERT_EQ(one.status, 0) << one.err;
        withPlugin[path] = json::parse(one.out);
        ASSERT_EQ(withPlugin[path]["sections"].size(), 1u) << one.out; // the plugin did add one
        EXPECT_EQ(withPlugin[path]["sections"][0]["rule"], "modtaint");
    }
    const std::string env = "PANICSCOPE_TRIAGE_CACHE_DIR=" + quoted((b.dir / "cache-p").string());
    auto run = [&](const std::vector<std::string>& extra, const std::string& moreEnv) {
        std::vector<std::string> args{"triage", "-j", "2", "--json", "--vmlinux", b.vmlinux};
        args.insert(args.end(), extra.begin(), extra.end());
        args.insert(args.end(), dumps.begin(), dumps.end());
        auto r = runBinary(args, env + " " + moreEnv);
        EXPECT_EQ(r.status, 0) << r.err;
        return byPath(lines(r.out));
    };
    fs::remove_all(b.dir / "cache-p");
    const auto first = run({"--plugin-dir", pluginDir}, "");
    const auto without = run({}, "");
    const auto again = run({"--plugin-dir", pluginDir}, "");
    const auto fromEnv = run({}, "PANICSCOPE_PLUGIN_PATH=" + quoted(pluginDir));
    for (const auto& path : dumps) {
        SCOPED_TRACE(path);
        EXPECT_EQ(first.at(path)["cached"], false);
        EXPECT_EQ(withoutCached(first.at(path)), withPlugin.at(path));
        EXPECT_EQ(without.at(path)["cached"], false); // not the plugin's record from the cache
        EXPECT_EQ(withoutCached(without.at(path)), b.single.at(path));
        EXPECT_EQ(again.at(path)["cached"], true);
        EXPECT_EQ(withoutCached(again.at(path)), withPlugin.at(path));
        EXPECT_EQ(fromEnv.at(path)["cached"], true);
        EXPECT_EQ(withoutCached(fromEnv.at(path)), withPlugin.at(path));
    }
    // Without the cache the environment's plugin reaches the workers too.
    const auto fresh = run({"--no-cache"}, "PANICSCOPE_PLUGIN_PATH=" + quoted(pluginDir));
    for (const auto& path : dumps)
        EXPECT_EQ(withoutCached(fresh.at(path)), withPlugin.at(path)) << path;
}

TEST(TriageBatch, UsageErrors) {
    const Batch& b = batch();
    auto badJobs = runCli({"triage", "-j", "0", b.dumps[0], b.dumps[1]});
    EXPECT_EQ(badJobs.status, 2);
    EXPECT_EQ(badJobs.err, "panicscope: triage: -j takes a number of workers from 1 to 1024 (see "
                           "'panicscope triage --help')\n");
    auto noList = runCli({"triage", "--list", "/nonexistent/list"});
    EXPECT_EQ(noList.status, 1);
    EXPECT_EQ(noList.err, "panicscope: cannot open the list /nonexistent/list\n");
    auto badLine = runCli({"triage", "--group", "--from-json", b.text});
    EXPECT_EQ(badLine.status, 1);
    EXPECT_EQ(badLine.err, "panicscope: " + b.text + ":1: not a triage record\n");
}

} // namespace
} // namespace panicscope::testing
