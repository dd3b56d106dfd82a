// The loader on real shared objects (plugin/tests/plugins/, built by CMake): the good plugin
// loads with its verb, rule and formats; each bad one is refused with its own one-line reason
// and the others still load.
#include "plugin/plugin_loader.h"
#include "triage/console_triage.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

namespace panicscope::plugin {
namespace {

const std::string kDir = PANICSCOPE_TEST_PLUGIN_DIR;

std::string file(const std::string& name) {
    return kDir + "/" + name + ".so";
}

// One registry over the whole test directory, as `--plugin-dir` loads it.
const Registry& loadedDirectory() {
    static const Registry registry = [] {
        Registry r;
        registerBuiltins(r);
        r.reserveVerbNames({"bt"});
        loadPluginDirectories(r, pluginDirectories({kDir}, nullptr, ""));
        return r;
    }();
    return registry;
}

TEST(PluginLoader, EachBadPluginIsRefusedWithItsReason) {
    std::map<std::string, std::string> refused;
    for (const auto& r : loadedDirectory().refused())
        refused[r.path] = r.reason;
    EXPECT_EQ(refused[file("wrong_abi")],
              "built for plugin ABI version 99, panicscope has version 1");
    EXPECT_EQ(refused[file("no_entry")], "no panicscope_plugin_init entry point");
    EXPECT_EQ(refused[file("no_abi")],
              "no panicscope_plugin_abi symbol (PS_PLUGIN_DECLARE_ABI): not a plugin");
    EXPECT_EQ(refused[file("failing_init")], "panicscope_plugin_init failed (returned 3)");
    EXPECT_EQ(refused[file("throwing_init")], "panicscope_plugin_init threw: boom");
    EXPECT_EQ(refused[file("zz_duplicate_verb")], "verb 'greet' exists already");
    EXPECT_EQ(refused[file("zz_shadow_bt")], "verb 'bt' exists already");
    EXPECT_NE(refused[file("garbage")].find("invalid ELF header"), std::string::npos)
        << refused[file("garbage")];
    EXPECT_EQ(refused.size(), 8u);
}

TEST(PluginLoader, GoodPluginRegistersItsVerbRuleAndFormats) {
    const Registry& r = loadedDirectory();
    ASSERT_EQ(r.plugins().size(), 2u); // builtin, good
    const PluginRecord& good = r.plugins()[1];
    EXPECT_EQ(good.name, "good");
    EXPECT_EQ(good.version, "0.1");
    EXPECT_EQ(good.path, file("good"));
    EXPECT_EQ(good.abiVersion, pluginAbiVersion());
    EXPECT_EQ(good.verbs, (std::vector<std::string>{"greet", "probe"}));
    EXPECT_EQ(good.triageRules, std::vector<std::string>{"good-bar"});
    EXPECT_EQ(good.formats, (std::vector<std::string>{"oneline", "minijson", "unbalanced"}));
    const PluginVerb* greet = r.findVerb("greet");
    ASSERT_NE(greet, nullptr);
    EXPECT_EQ(greet->usage, "[-n NAME] DUMP");
    ASSERT_EQ(greet->options.size(), 1u);
    EXPECT_EQ(greet->options[0].names, "-n|--name");
    EXPECT_EQ(greet->options[0].value, "NAME");
    EXPECT_EQ(r.findVerb("hello2"), nullptr); // its plugin was refused as a whole
}

TEST(PluginLoader, MissingFileAndDirectoryAreRefused) {
    Registry r;
    auto missing = loadPluginFile(r, kDir + "/no_such_plugin.so");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("No such file"), std::string::npos)
        << missing.error().message;
    loadPluginDirectories(r, pluginDirectories({kDir + "/no_such_dir"}, nullptr, ""));
    ASSERT_EQ(r.refused().size(), 2u);
    EXPECT_EQ(r.refused()[1].path, kDir + "/no_such_dir");
    // A directory of $PANICSCOPE_PLUGIN_PATH or the default one may be missing.
    Registry quiet;
    loadPluginDirectories(quiet, pluginDirectories({}, "/no/such:/neither", "/nor/this"));
    EXPECT_TRUE(quiet.refused().empty());
}

TEST(PluginLoader, DirectoriesComeInOrderAndOnce) {
    auto dirs = pluginDirectories({"/a", "/b"}, "/c::/a:/d", "/e");
    std::vector<std::string> paths;
    for (const auto& d : dirs)
        paths.push_back(d.path + (d.mustExist ? "!" : ""));
    EXPECT_EQ(paths, (std::vector<std::string>{"/a!", "/b!", "/c", "/d", "/e"}));
}

const char* kBarCrash = "BUG: kernel NULL pointer dereference, address: 0000000000000010\n"
                        "CPU: 0 PID: 7 Comm: ev Not tainted 6.1.0 #1\n"
                        "RIP: 0010:bar+0x1/0x2\nCall Trace:\n <TASK>\n baz+0x1/0x2\n"
                        " qux+0x1/0x2\n </TASK>\n";

TEST(PluginLoader, PluginRuleClaimsThroughTheCAbi) {
    auto report = triage::triageConsoleText(kBarCrash, "c.log", loadedDirectory());
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->claimedBy, "good-bar");
    EXPECT_EQ(report->kind, triage::CrashKind::Bug);
    EXPECT_EQ(report->title, "good: bar broke");
    EXPECT_EQ(report->guiltyFunction, "baz");
    ASSERT_EQ(report->frames.size(), 2u);
    EXPECT_TRUE(report->warnings.empty()) << report->warnings.front();
    ASSERT_EQ(report->sections.size(), 2u);
    EXPECT_EQ(report->sections[0].title, "good");
    EXPECT_EQ(report->sections[0].fields, (std::vector<std::pair<std::string, std::string>>{
                                              {"session", "none"}, {"frames", "many"}}));
    EXPECT_EQ(report->sections[1].json, "{\"answer\": 42}");
    // The signature follows the claim.
    auto builtin = triage::triageConsoleText(kBarCrash, "c.log");
    ASSERT_TRUE(builtin);
    EXPECT_EQ(builtin->guiltyFunction, "bar");
    EXPECT_NE(builtin->signature.hash, report->signature.hash);
}

TEST(PluginLoader, PluginFormatsRenderAndBadJsonIsAnError) {
    const Registry& r = loadedDirectory();
    auto report = triage::triageConsoleText(kBarCrash, "c.log", r);
    ASSERT_TRUE(report);
    auto line = r.findFormat("oneline")->render(*report);
    ASSERT_TRUE(line) << line.error().message;
    EXPECT_EQ(*line, "bug|good: bar broke|" + report->signature.hash + "\n");
    auto json = r.findFormat("minijson")->render(*report);
    ASSERT_TRUE(json) << json.error().message;
    EXPECT_EQ(nlohmann::json::parse(*json),
              nlohmann::json::parse(R"({"kind": "bug", "frames": ["baz", "qux"]})"));
    auto bad = r.findFormat("unbalanced")->render(*report);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message,
              "output format unbalanced: 1 JSON object(s) or array(s) left open");
}

} // namespace
} // namespace panicscope::plugin
