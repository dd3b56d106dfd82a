// The Triage view on real generated dumps against `panicscope triage --json` of the same dump
// (run in-process) and the crashed kernel's console: the same title, signature and frames, the
// example plugin's "guilty module" section with the taint the kernel printed, a click on a frame
// showing it in the stack view, and a hung task's frames and blocked task as its console names
// them.
#include "dump_manifest.h"
#include "main_window.h"
#include "plugin_registry.h"
#include "real_dump_options.h"
#include "run_cli.h"
#include "stack_view.h"
#include "triage_view.h"
#include "wait.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeWidget>

#include <fstream>
#include <regex>
#include <sstream>

namespace panicscope::gui::testing {
namespace {

using nlohmann::json;
using panicscope::testing::DumpRow;
using panicscope::testing::manifestRow;

const std::string kPluginDir = PANICSCOPE_EXAMPLE_PLUGIN_DIR;

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

std::string consoleText(const DumpRow& row) {
    std::ifstream in(row.console);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// `panicscope triage --json DUMP` (with the example plugin when `plugins`).
json cliTriage(const DumpRow& row, bool plugins) {
    std::vector<std::string> args{"triage", "--json", row.dump, "--vmlinux", row.vmlinux};
    if (plugins) args.insert(args.end(), {"--plugin-dir", kPluginDir});
    const auto r = panicscope::testing::runCli(args);
    EXPECT_EQ(r.status, 0) << r.err;
    return json::parse(r.out);
}

// Opens a dump in a window with the example plugin loaded and waits for the triage to end.
void openAndWaitForTriage(MainWindow& window, const model::SessionOptions& options) {
    window.setPluginRegistry(loadPluginRegistry({kPluginDir}));
    window.show();
    QSignalSpy triaged(window.triageView(), &TriageView::loaded);
    window.openDump(options);
    ASSERT_TRUE(waitUntil([&] { return triaged.count() > 0; }));
}

void openAndTriage(MainWindow& window, const DumpRow& row) {
    openAndWaitForTriage(window, optionsFor(row));
    ASSERT_TRUE(window.triageView()->report()) << window.triageView()->error().toStdString();
}

// "psc_write [panicscope_crash]": a frame of the JSON record as the view writes it.
QString frameText(const json& frame) {
    const std::string module =
        frame["module"].is_null() ? "" : " [" + frame["module"].get<std::string>() + "]";
    return qs(frame["function"].get<std::string>() + module);
}

// The value of a section's field, by its key.
QString fieldOf(const QTreeWidgetItem* section, const QString& key) {
    for (int i = 0; i < section->childCount(); ++i)
        if (section->child(i)->text(0) == key) return section->child(i)->text(1);
    return "(no field " + key + ")";
}

// Clicks a row of the frames tree and waits until the stack view shows a frame selected.
void clickFrame(MainWindow& window, QTreeWidgetItem* item) {
    QTreeWidget* tree = window.triageView()->framesTree();
    tree->scrollToItem(item);
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, tree->visualItemRect(item).center());
    ASSERT_TRUE(waitUntil([&] {
        return window.stackView()->model().hasTrace() && window.stackView()->selectedFrame() &&
               *window.stackView()->selectedFrame() ==
                   item->data(0, TriageView::FrameIndexRole).value<quint64>();
    }));
}

TEST(TriageView, ShowsTheCliReportAndTheExamplePluginsSection) {
    const DumpRow& row =
        manifestRow(panicscope::testing::kMainKernel, "mod-bug", "kdump", "kdump-zlib");
    MainWindow window;
    openAndTriage(window, row);
    const TriageView& view = *window.triageView();
    const json record = cliTriage(row, true);
    EXPECT_EQ(view.fieldText("Title"), qs(record["title"]));
    EXPECT_EQ(view.fieldText("Signature"), qs(record["signature"]["hash"]));
    EXPECT_EQ(view.fieldText("Kind"), qs(record["kind"]));
    EXPECT_EQ(view.fieldText("Guilty"), qs(record["guilty"]["function"]));
    EXPECT_EQ(view.fieldText("Module"), qs(record["guilty"]["module"]));
    // The report's first line is the kernel's own ("kernel BUG at panicscope_crash.c:70!").
    EXPECT_NE(consoleText(row).find(record["message"].get<std::string>()), std::string::npos);
    EXPECT_EQ(view.fieldText("Message"), qs(record["message"]));
    // The cut frames, in order.
    const QTreeWidgetItem* cut = view.framesTree()->topLevelItem(0);
    ASSERT_EQ(size_t(cut->childCount()), record["frames"].size());
    for (int i = 0; i < cut->childCount(); ++i)
        EXPECT_EQ(cut->child(i)->text(0), frameText(record["frames"][i])) << i;
    // The plugin's section, with the fields the CLI prints; the taint is what the kernel
    // printed for the module ("Modules linked in: panicscope_crash(OE)").
    ASSERT_EQ(record["sections"].size(), 1u);
    const json& section = record["sections"][0];
    QTreeWidgetItem* shown = view.sectionItem(qs(section["title"]));
    ASSERT_NE(shown, nullptr);
    EXPECT_TRUE(shown->text(1).endsWith(qs(section["rule"]))) << shown->text(1).toStdString();
    ASSERT_EQ(size_t(shown->childCount()), section["fields"].size());
    for (const auto& [key, value] : section["fields"].items())
        EXPECT_EQ(fieldOf(shown, qs(key)), qs(value)) << key;
    const std::string console = consoleText(row);
    std::smatch taint;
    ASSERT_TRUE(std::regex_search(console, taint,
                                  std::regex(R"(Modules linked in:.* panicscope_crash\((\w+)\))")));
    EXPECT_EQ(fieldOf(shown, "taints").toStdString(), taint[1].str());
    // A click on a cut frame shows that frame of the crashing task's stack.
    clickFrame(window, cut->child(1));
    const StackModel& stack = window.stackView()->model();
    EXPECT_EQ(stack.task()->pid, record["task"]["pid"].get<int>());
    EXPECT_EQ(stack.trace().frames[*window.stackView()->selectedFrame()].function,
              record["frames"][1]["function"].get<std::string>());
    // With the built-in rules alone, the report has no section, as the CLI's without plugins.
    const json plain = cliTriage(row, false);
    ASSERT_FALSE(plain.contains("sections"));
    TriageView builtins;
    QSignalSpy triaged(&builtins, &TriageView::loaded);
    builtins.triage(window.loader().current()->session, builtinPluginRegistry());
    ASSERT_TRUE(waitUntil([&] { return triaged.count() > 0; }));
    EXPECT_EQ(builtins.fieldText("Signature"), qs(plain["signature"]["hash"]));
    EXPECT_EQ(builtins.sectionItem(qs(section["title"])), nullptr);
}

TEST(TriageView, AHungTasksFramesAndBlockedTasksAreTheBlockedOnes) {
    const DumpRow& row =
        manifestRow(panicscope::testing::kMainKernel, "mod-hungtask", "kdump", "kdump-zlib");
    // "INFO: task crasher:116 blocked for more than 2 seconds."
    std::smatch hung;
    const std::string console = consoleText(row);
    ASSERT_TRUE(std::regex_search(console, hung, std::regex(R"(INFO: task (\S+):(\d+) blocked)")));
    const int pid = std::stoi(hung[2].str());
    MainWindow window;
    openAndTriage(window, row);
    const TriageView& view = *window.triageView();
    const json record = cliTriage(row, true);
    EXPECT_EQ(view.fieldText("Title"), qs(record["title"]));
    EXPECT_EQ(view.fieldText("Signature"), qs(record["signature"]["hash"]));
    // The blocked tasks, the console's among them, each with its frames.
    const QTreeWidgetItem* blocked = view.framesTree()->topLevelItem(1);
    ASSERT_NE(blocked, nullptr);
    ASSERT_EQ(size_t(blocked->childCount()), record["blocked_tasks"].size());
    bool named = false;
    for (int i = 0; i < blocked->childCount(); ++i) {
        const json& task = record["blocked_tasks"][i];
        EXPECT_EQ(blocked->child(i)->data(0, TriageView::PidRole).toInt(), task["pid"]);
        EXPECT_EQ(size_t(blocked->child(i)->childCount()), task["frames"].size());
        named = named || (task["pid"] == pid && task["comm"] == hung[1].str());
    }
    EXPECT_TRUE(named) << record["blocked_tasks"].dump();
    // The cut frames are the blocked task's, not the crashing task's (khungtaskd): a click on
    // the guilty frame shows it in that task's stack.
    QTreeWidgetItem* cut = view.framesTree()->topLevelItem(0);
    ASSERT_GT(cut->childCount(), 0);
    clickFrame(window, cut->child(0));
    const StackModel& stack = window.stackView()->model();
    EXPECT_EQ(stack.task()->pid, pid);
    EXPECT_NE(stack.task()->pid, record["task"]["pid"].get<int>());
    EXPECT_EQ(stack.trace().frames[*window.stackView()->selectedFrame()].function,
              record["frames"][0]["function"].get<std::string>());
    // A blocked task's last frame, clicked, is that frame of its stack.
    QTreeWidgetItem* task = blocked->child(0);
    ASSERT_GT(task->childCount(), 1);
    task->setExpanded(true);
    clickFrame(window, task->child(task->childCount() - 1));
    EXPECT_EQ(stack.task()->pid, record["blocked_tasks"][0]["pid"].get<int>());
    EXPECT_EQ(stack.trace().frames[*window.stackView()->selectedFrame()].function,
              record["blocked_tasks"][0]["frames"].back().get<std::string>());
}

// A dump cut in half opens (with warnings) but its CPUs cannot be read: the view says why, in
// the words `panicscope triage` prints.
TEST(TriageView, AFailedTriageIsShownInTheView) {
    const DumpRow& row =
        manifestRow(panicscope::testing::kMainKernel, "mod-bug", "kdump", "kdump-zlib");
    QTemporaryDir dir;
    const QString cut = dir.filePath("vmcore");
    ASSERT_TRUE(QFile::copy(qs(row.dump), cut));
    QFile file(cut);
    ASSERT_TRUE(file.resize(file.size() / 2));
    const auto cli =
        panicscope::testing::runCli({"triage", cut.toStdString(), "--vmlinux", row.vmlinux});
    ASSERT_EQ(cli.status, 1);
    const std::string lastLine = [&] {
        std::istringstream lines(cli.err);
        std::string line, last;
        while (std::getline(lines, line))
            last = line;
        return last;
    }();
    model::SessionOptions options = optionsFor(row);
    options.dumpPaths = {cut.toStdString()};
    MainWindow window;
    openAndWaitForTriage(window, options);
    const TriageView& view = *window.triageView();
    EXPECT_FALSE(view.report());
    EXPECT_EQ("panicscope: " + view.error().toStdString(), lastLine);
    EXPECT_TRUE(view.message().contains(view.error().toHtmlEscaped()))
        << view.message().toStdString();
    EXPECT_EQ(view.reportTree()->topLevelItemCount(), 0);
}

} // namespace
} // namespace panicscope::gui::testing
