// The registry: a plugin's contributions go in all together or not at all, names are unique
// (verbs also against the names reserved for the CLI's own), and the built-in plugin holds the
// triage classifiers and formats that triage uses without a registry.
#include "plugin/registry.h"
#include "plugin/triage_claims.h"
#include "triage/console_triage.h"
#include "triage/report_lines.h"

#include <gtest/gtest.h>

namespace panicscope::plugin {
namespace {

Contribution named(const std::string& plugin, std::vector<std::string> verbs,
                   std::vector<std::string> rules = {}) {
    Contribution c;
    c.record.name = plugin;
    for (auto& v : verbs)
        c.verbs.push_back(PluginVerb{v, "DUMP", "", {}, 0, 0, {}, ""});
    for (auto& r : rules) {
        TriageRule rule;
        rule.name = r;
        c.triageRules.push_back(rule);
    }
    return c;
}

TEST(Registry, DuplicatesAreRefusedAndNothingOfThePluginIsAdded) {
    Registry r;
    r.reserveVerbNames({"bt", "ps"});
    ASSERT_TRUE(r.add(named("one", {"alpha"}, {"rule-a"})));
    auto again = r.add(named("one", {"beta"}));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().message, "a plugin named 'one' is loaded already");
    auto verb = r.add(named("two", {"gamma", "alpha"}));
    ASSERT_FALSE(verb);
    EXPECT_EQ(verb.error().message, "verb 'alpha' exists already");
    EXPECT_EQ(r.add(named("three", {"bt"})).error().message, "verb 'bt' exists already");
    EXPECT_EQ(r.add(named("four", {"d", "d"})).error().message, "verb 'd' exists already");
    EXPECT_EQ(r.add(named("five", {}, {"rule-a"})).error().message,
              "triage rule 'rule-a' exists already");
    EXPECT_EQ(r.add(named("", {})).error().message, "the plugin has no name");
    // Only plugin "one" is in, with what it registered.
    ASSERT_EQ(r.plugins().size(), 1u);
    EXPECT_EQ(r.plugins()[0].verbs, std::vector<std::string>{"alpha"});
    EXPECT_EQ(r.plugins()[0].triageRules, std::vector<std::string>{"rule-a"});
    EXPECT_EQ(r.verbs().size(), 1u);
    EXPECT_EQ(r.findVerb("gamma"), nullptr);
    ASSERT_NE(r.findVerb("alpha"), nullptr);
    EXPECT_EQ(r.findVerb("alpha")->plugin, "one");
}

TEST(Registry, BuiltinPluginHoldsTheClassifiersAndFormats) {
    const Registry& builtins = builtinRegistry();
    ASSERT_EQ(builtins.plugins().size(), 1u);
    EXPECT_EQ(builtins.plugins()[0].name, "builtin");
    EXPECT_NE(builtins.findFormat("text"), nullptr);
    EXPECT_NE(builtins.findFormat("json"), nullptr);
    // Every header rule is a rule of the registry: without it, a line is no header.
    auto kind = triage::classifyHeader("BUG: kernel NULL pointer dereference, address: 10");
    ASSERT_TRUE(kind);
    EXPECT_EQ(kind->kind, triage::CrashKind::NullDeref);
    EXPECT_EQ(kind->faultAddress, 0x10u);
    EXPECT_FALSE(triage::classifyHeader("BUG: kernel NULL pointer dereference", {}));
}

// A rule registered beside the built-ins names a header line they do not know, and claims the
// report: kind, title, guilty frame and a section.
TEST(Registry, AddedRulesNameHeadersAndClaimReports) {
    Registry r;
    registerBuiltins(r);
    Contribution c;
    c.record.name = "mydriver";
    TriageRule rule;
    rule.name = "mydriver-hang";
    rule.header = [](std::string_view line) -> std::optional<triage::KindAndStem> {
        if (!line.starts_with("mydriver: firmware hang")) return std::nullopt;
        return triage::KindAndStem{triage::CrashKind::Bug, "mydriver firmware hang", {}};
    };
    rule.claim = [](const TriageInput& in) -> Result<std::optional<TriageClaim>> {
        if (in.session) return fail(Errc::Usage, "console only");
        TriageClaim claim;
        claim.guiltyFunction = "md_reset";
        claim.sections.push_back({"firmware", "", {{"state", "hung"}}, std::nullopt});
        return std::optional(claim);
    };
    c.triageRules.push_back(rule);
    ASSERT_TRUE(r.add(std::move(c)));
    const std::string text = "mydriver: firmware hang on ring 3\n"
                             "Kernel panic - not syncing: mydriver\n"
                             "CPU: 1 PID: 5 Comm: kworker/1:0 Not tainted 6.1.0 #1\n"
                             "Call Trace:\n <TASK>\n md_poll+0x1/0x2\n md_reset+0x1/0x2\n"
                             " process_one_work+0x1/0x2\n </TASK>\n";
    auto report = triage::triageConsoleText(text, "console.log", r);
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->kind, triage::CrashKind::Bug);
    EXPECT_EQ(report->title, "mydriver firmware hang in md_poll");
    EXPECT_EQ(report->guiltyFunction, "md_reset");
    EXPECT_EQ(report->claimedBy, "mydriver-hang");
    ASSERT_EQ(report->frames.size(), 2u);
    EXPECT_EQ(report->frames[0].function, "md_reset");
    ASSERT_EQ(report->sections.size(), 1u);
    EXPECT_EQ(report->sections[0].rule, "mydriver-hang");
    EXPECT_EQ(report->sections[0].fields[0].second, "hung");
    // The built-ins alone do not know the line: the panic message is all there is.
    auto plain = triage::triageConsoleText(text, "console.log");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->kind, triage::CrashKind::Panic);
    EXPECT_FALSE(plain->claimedBy);
    EXPECT_TRUE(plain->sections.empty());
}

// A claim that moves the guilty frame down cuts the frames further; where they came from in the
// task's stack (the GUI shows them there) moves with them.
TEST(Registry, AClaimedGuiltyFrameMovesTheFramesOrigin) {
    Registry r;
    Contribution c;
    c.record.name = "mover";
    TriageRule rule;
    rule.name = "mover";
    rule.claim = [](const TriageInput&) -> Result<std::optional<TriageClaim>> {
        TriageClaim claim;
        claim.guiltyFunction = "md_reset";
        return std::optional(claim);
    };
    c.triageRules.push_back(rule);
    ASSERT_TRUE(r.add(std::move(c)));
    triage::CrashReport report;
    report.frames = {{"md_poll", {}, {}, false}, {"md_reset", {}, {}, false}};
    report.framesOrigin = triage::FramesOrigin{0xffff888000001000, 5, 3};
    applyTriageClaims(report, nullptr, r);
    ASSERT_EQ(report.frames.size(), 1u);
    ASSERT_TRUE(report.framesOrigin);
    EXPECT_EQ(report.framesOrigin->firstFrame, 4u);
    EXPECT_EQ(report.framesOrigin->pid, 5);
}

} // namespace
} // namespace panicscope::plugin
