// Plugins in the CLI, without a dump: `plugins` lists what loaded and what was refused (one line
// on stderr for each refused file, and the command still runs), a plugin verb has its help,
// did-you-mean and options like the CLI's own, and triage uses plugin rules and formats.
#include "cli.h"
#include "run_in_process.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

using panicscope::testing::run;

const std::string kDir = PANICSCOPE_TEST_PLUGIN_DIR;

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

TEST(PluginsCli, ListsLoadedAndRefusedPlugins) {
    auto r = run({"plugins", "--json", "--plugin-dir", kDir});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["abi_version"], 1);
    ASSERT_EQ(doc["plugins"].size(), 2u);
    EXPECT_EQ(doc["plugins"][0]["name"], "builtin");
    EXPECT_EQ(doc["plugins"][0]["path"], nullptr);
    EXPECT_EQ(doc["plugins"][1]["name"], "good");
    EXPECT_EQ(doc["plugins"][1]["path"], kDir + "/good.so");
    EXPECT_EQ(doc["plugins"][1]["verbs"], nlohmann::json::array({"greet", "probe"}));
    ASSERT_EQ(doc["refused"].size(), 8u);
    // Each refusal is one line on stderr naming the file and the reason, in load order.
    const auto errLines = lines(r.err);
    ASSERT_EQ(errLines.size(), 8u) << r.err;
    for (size_t i = 0; i < errLines.size(); ++i)
        EXPECT_EQ(errLines[i], "panicscope: plugin " +
                                   doc["refused"][i]["path"].get<std::string>() +
                                   " refused: " + doc["refused"][i]["reason"].get<std::string>());
    EXPECT_EQ(errLines[0].substr(0, errLines[0].find(':', 12)),
              "panicscope: plugin " + kDir + "/failing_init.so refused");
}

TEST(PluginsCli, PluginPathVariableIsSearchedToo) {
    ::setenv("PANICSCOPE_PLUGIN_PATH", ("/no/such/dir:" + kDir).c_str(), 1);
    auto r = run({"plugins", "--json"});
    ::unsetenv("PANICSCOPE_PLUGIN_PATH");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["plugins"][1]["name"], "good");
    EXPECT_TRUE(run({"plugins", "--json"}).err.empty());
}

TEST(PluginsCli, PluginVerbHasHelpOptionsAndSpelling) {
    auto help = run({"help", "greet", "--plugin-dir", kDir});
    ASSERT_EQ(help.status, 0) << help.err;
    EXPECT_TRUE(
        help.out.starts_with("usage: panicscope greet [options] [-n NAME] DUMP\n\nsays hello\n"))
        << help.out;
    EXPECT_NE(help.out.find("  -n, --name NAME     whom to greet"), std::string::npos) << help.out;
    auto all = run({"--help", "--plugin-dir", kDir});
    EXPECT_NE(all.out.find("  greet [-n NAME] DUMP  says hello"), std::string::npos) << all.out;
    auto typo = run({"gret", "x", "--plugin-dir", kDir});
    EXPECT_EQ(typo.status, 2);
    EXPECT_NE(typo.err.find("unknown command 'gret'; did you mean 'greet'?"), std::string::npos)
        << typo.err;
    auto option = run({"greet", "--shout", "x", "--plugin-dir", kDir});
    EXPECT_EQ(option.status, 2);
    EXPECT_NE(option.err.find("greet: unknown option '--shout'"), std::string::npos) << option.err;
    // Without the plugin directory the verb does not exist.
    EXPECT_EQ(run({"greet", "x"}).status, 2);
}

TEST(PluginsCli, TriageUsesPluginRulesAndFormats) {
    const std::string path =
        (std::filesystem::temp_directory_path() / "panicscope_plugins_bar.log").string();
    std::ofstream(path) << "BUG: kernel NULL pointer dereference, address: 0000000000000010\n"
                           "CPU: 0 PID: 7 Comm: ev Not tainted 6.1.0 #1\n"
                           "RIP: 0010:bar+0x1/0x2\nCall Trace:\n <TASK>\n baz+0x1/0x2\n"
                           " qux+0x1/0x2\n </TASK>\n";
    auto json = run({"triage", "--json", "--console", path, "--plugin-dir", kDir});
    ASSERT_EQ(json.status, 0) << json.err;
    const auto record = nlohmann::json::parse(json.out);
    EXPECT_EQ(record["claimed_by"], "good-bar");
    EXPECT_EQ(record["title"], "good: bar broke");
    EXPECT_EQ(record["guilty"]["function"], "baz");
    EXPECT_EQ(record["sections"][0]["fields"]["session"], "none");
    EXPECT_EQ(record["sections"][1]["json"]["answer"], 42);
    auto text = run({"triage", "--console", path, "--plugin-dir", kDir});
    EXPECT_NE(text.out.find("  CLAIMED BY: good-bar\n"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("SECTION good (good-bar):\n  session: none\n  frames: many\n"),
              std::string::npos)
        << text.out;
    auto line = run({"triage", "--format", "oneline", "--console", path, "--plugin-dir", kDir});
    ASSERT_EQ(line.status, 0) << line.err;
    EXPECT_EQ(line.out,
              "bug|good: bar broke|" + record["signature"]["hash"].get<std::string>() + "\n");
    auto unknown = run({"triage", "--format", "oneline", "--console", path});
    EXPECT_EQ(unknown.status, 2);
    EXPECT_EQ(unknown.err, "panicscope: triage: unknown format 'oneline' (formats: text, json) "
                           "(see 'panicscope triage --help')\n");
    // Without plugins the record has no plugin keys.
    auto plain = nlohmann::json::parse(run({"triage", "--json", "--console", path}).out);
    EXPECT_FALSE(plain.contains("claimed_by"));
    EXPECT_FALSE(plain.contains("sections"));
    std::filesystem::remove(path);
}

} // namespace
