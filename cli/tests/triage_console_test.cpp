// `triage --console` on text no kernel printed cleanly: bytes that are not UTF-8 and terminal
// escapes in a comm reach the JSON as valid UTF-8 (with the bytes in hex) and the terminal
// escaped (ESC as \x1b); several files give one record each, a file without a report an error
// record.
#include "cli.h"
#include "run_in_process.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

using panicscope::testing::run;

namespace fs = std::filesystem;

std::string writeFile(const std::string& name, const std::string& text) {
    const std::string path = (fs::temp_directory_path() / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

TEST(TriageConsole, HostileBytesStayHarmless) {
    const std::string path =
        writeFile("panicscope_triage_hostile.log",
                  "BUG: kernel NULL pointer dereference, address: 0000000000000010\n"
                  "CPU: 0 PID: 7 Comm: ev\xff\x1b[2Jil Not tainted 6.1.0 #1\n"
                  "RIP: 0010:bar+0x1/0x2\nCall Trace:\n <TASK>\n baz+0x1/0x2\n </TASK>\n");
    auto json = run({"triage", "--json", "--console", path});
    ASSERT_EQ(json.status, 0) << json.err;
    const auto record = nlohmann::json::parse(json.out);
    EXPECT_EQ(record["task"]["comm_hex"], "6576ff1b5b324a696c");
    EXPECT_EQ(record["title"], "BUG: unable to handle kernel NULL pointer dereference in bar");
    auto text = run({"triage", "--console", path});
    ASSERT_EQ(text.status, 0);
    EXPECT_NE(text.out.find("TASK: 7 (ev\xff\\x1b[2Jil)"), std::string::npos) << text.out;
    fs::remove(path);
}

TEST(TriageConsole, OneRecordPerFileAndErrorRecords) {
    const std::string good = writeFile("panicscope_triage_good.log",
                                       "sysrq: Trigger a crash\n"
                                       "Kernel panic - not syncing: sysrq triggered crash\n"
                                       "CPU: 0 PID: 9 Comm: sh Not tainted 6.1.0 #1\n"
                                       "Call Trace:\n <TASK>\n panic+0x1/0x2\n"
                                       " write_sysrq_trigger+0x1/0x2\n </TASK>\n");
    const std::string empty = writeFile("panicscope_triage_empty.log", "nothing to see\n");
    auto r = run({"triage", "--json", "--console", good, empty, good});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: no kernel crash report in " + empty + "\n");
    std::istringstream lines(r.out);
    std::vector<nlohmann::json> records;
    for (std::string line; std::getline(lines, line);)
        records.push_back(nlohmann::json::parse(line));
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(records[0]["title"], "sysrq triggered crash in write_sysrq_trigger");
    EXPECT_EQ(records[1]["error"], "no kernel crash report in " + empty);
    EXPECT_EQ(records[1]["schema"], 1);
    EXPECT_EQ(records[2]["signature"], records[0]["signature"]);
    fs::remove(good);
    fs::remove(empty);
}

} // namespace
