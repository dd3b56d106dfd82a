// The example plugin plugins/examples/modtaint, loaded into the CLI with --plugin-dir from the
// directory CMake built it in: its verb lists the modules with their taint letters as the
// crashed kernel printed them ("Modules linked in: panicscope_crash(OE) ..."), the same modules
// at the same addresses as `mod --json`; its triage rule names the guilty module's taint.
#include "dump_manifest.h"
#include "run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <sstream>

namespace panicscope::testing {
namespace {

using nlohmann::json;

const std::string kPluginDir = PANICSCOPE_EXAMPLE_PLUGIN_DIR;

// "Modules linked in: a(OE) b": name -> taint letters, from the first such line of the console.
std::map<std::string, std::string> linkedModules(const std::string& consolePath) {
    std::ifstream console(consolePath);
    std::map<std::string, std::string> linked;
    for (std::string line; std::getline(console, line);) {
        const auto at = line.find("Modules linked in:");
        if (at == std::string::npos) continue;
        std::istringstream words(line.substr(at + 18));
        for (std::string w; words >> w;) {
            const auto paren = w.find('(');
            linked[w.substr(0, paren)] =
                paren == std::string::npos ? "" : w.substr(paren + 1, w.size() - paren - 2);
        }
        break;
    }
    return linked;
}

class ModtaintPlugin : public ::testing::TestWithParam<const char*> {
  protected:
    const DumpRow& row() const { return manifestRow(GetParam(), "mod-bug", "kdump", "kdump-zlib"); }
    CliResult cli(std::vector<std::string> args) const {
        args.insert(args.end(),
                    {row().dump, "--vmlinux", row().vmlinux, "--plugin-dir", kPluginDir});
        return runCli(args);
    }
};

TEST_P(ModtaintPlugin, VerbListsTheModulesAndTaintsTheKernelPrinted) {
    const auto linked = linkedModules(row().console);
    ASSERT_TRUE(linked.contains("panicscope_crash")) << row().console;
    auto r = cli({"modtaint", "--json"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    const json doc = json::parse(r.out);
    std::map<std::string, std::string> ours;
    for (const auto& m : doc["modules"])
        ours[m["name"]] = m["taints"];
    EXPECT_EQ(ours, linked);
    EXPECT_EQ(doc["count"], linked.size());
    // The same modules, in the same order and at the same struct module, as `mod --json`.
    auto mod = cli({"mod", "--json"});
    ASSERT_EQ(mod.status, 0) << mod.err;
    const json modules = json::parse(mod.out)["modules"];
    ASSERT_EQ(modules.size(), doc["modules"].size());
    for (size_t i = 0; i < modules.size(); ++i) {
        EXPECT_EQ(doc["modules"][i]["name"], modules[i]["name"]);
        EXPECT_EQ(doc["modules"][i]["module"], modules[i]["module"]);
    }
    // -t: only the tainting ones, as text.
    auto tainted = cli({"modtaint", "-t"});
    ASSERT_EQ(tainted.status, 0) << tainted.err;
    std::istringstream lines(tainted.out);
    std::string header;
    std::getline(lines, header);
    EXPECT_EQ(header, "NAME                     TAINTS STRUCT MODULE");
    std::map<std::string, std::string> shown, expected;
    for (std::string line; std::getline(lines, line);) {
        std::istringstream words(line);
        std::string name, taints;
        words >> name >> taints;
        shown[name] = taints;
    }
    for (const auto& [name, taints] : linked)
        if (!taints.empty()) expected[name] = taints;
    EXPECT_EQ(shown, expected);
}

TEST_P(ModtaintPlugin, TriageRuleNamesTheGuiltyModulesTaint) {
    const auto linked = linkedModules(row().console);
    auto r = cli({"triage", "--json"});
    ASSERT_EQ(r.status, 0) << r.err;
    const json record = json::parse(r.out);
    // The kernel printed the BUG's frame in the module: "psc_bug+0x.../0x... [panicscope_crash]".
    ASSERT_EQ(record["guilty"]["module"], "panicscope_crash");
    ASSERT_EQ(record["sections"].size(), 1u) << r.out;
    const json& section = record["sections"][0];
    EXPECT_EQ(section["title"], "guilty module");
    EXPECT_EQ(section["rule"], "modtaint");
    EXPECT_EQ(section["fields"]["module"], "panicscope_crash");
    EXPECT_EQ(section["fields"]["taints"], linked.at("panicscope_crash"));
    EXPECT_FALSE(record.contains("claimed_by")); // a section only: kind and title are the kernel's
    // `plugins` shows where it came from.
    auto list = runCli({"plugins", "--json", "--plugin-dir", kPluginDir});
    ASSERT_EQ(list.status, 0) << list.err;
    const json plugins = json::parse(list.out)["plugins"];
    ASSERT_EQ(plugins.size(), 2u);
    EXPECT_EQ(plugins[1]["path"], kPluginDir + "/modtaint.so");
    EXPECT_EQ(plugins[1]["verbs"], json::array({"modtaint"}));
}

INSTANTIATE_TEST_SUITE_P(Kernels, ModtaintPlugin,
                         ::testing::Values(kMainKernel, "6.12.117+deb12-cloud-amd64"),
                         [](const auto& info) {
                             return caseName({info.param, "mod-bug", "kdump", "kdump-zlib"});
                         });

} // namespace
} // namespace panicscope::testing
