// The stack model on a hand-made IRQ-style trace: its separator rows are where the CLI prints
// its marker lines, in the same words.
#include "cli_output.h"
#include "fake_values.h"
#include "report/json_report.h"
#include "report/text_report.h"
#include "separators.h"
#include "stack_model.h"

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>

namespace panicscope::gui::testing {
namespace {

constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;
using Kind = StackModel::RowKind;

std::vector<std::pair<Kind, QString>> rows(const StackModel& m) {
    std::vector<std::pair<Kind, QString>> out;
    for (int r = 0; r < m.rowCount(); ++r) {
        const QModelIndex at = m.index(r, 0);
        out.emplace_back(m.kindOf(at), m.isSeparator(r)
                                           ? at.data().toString()
                                           : m.index(r, StackModel::Function).data().toString());
    }
    return out;
}

TEST(StackModel, SeparatorRowsSayWhatTheClisMarkerLinesSay) {
    StackModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    const auto trace = irqTrace();
    model.setTrace(fakeTasks()[6], trace);
    const std::vector<std::pair<Kind, QString>> expected = {
        {Kind::StackSection, "--- <IRQ stack> ---"},
        {Kind::Frame, "delay_tsc+0x10/0x80"},
        {Kind::Frame, "panic+0x10/0x80"},
        {Kind::Frame, "common_interrupt+0x10/0x80"},
        {Kind::StackSection, "--- <task stack> ---"},
        {Kind::Frame, "asm_common_interrupt+0x10/0x80"},
        {Kind::Boundary, "=== interrupt: asm_common_interrupt ==="},
        {Kind::Frame, "clear_user+0x10/0x80"},
        {Kind::Frame, "? read_zero+0x10/0x80"}, // found by scanning: marked as bt marks it
        {Kind::Boundary, "=== syscall: entry_SYSCALL_64_after_hwframe (from user mode) ==="},
        {Kind::Frame, "(user mode at 0x47b6fd)"}};
    EXPECT_EQ(rows(model), expected);
    // The titles are the report's own functions' (the CLI prints them).
    EXPECT_EQ(model.index(6, 0).data().toString().toStdString(),
              report::boundaryTitle(*trace.frames[4].boundary, false));
    EXPECT_EQ(model.index(0, 0).data().toString().toStdString(),
              report::stackSectionTitle(trace.frames[0].stack));
}

TEST(StackModel, SeparatorsStandWhereBtJsonPutsThem) {
    StackModel model;
    const auto tasks = fakeTasks();
    model.setTrace(tasks[6], irqTrace());
    const auto json = report::taskBacktraceJson(tasks[6], irqTrace());
    const Separators expected = {
        {"--- <IRQ stack> ---", 0},
        {"--- <task stack> ---", 5},
        {"=== interrupt: asm_common_interrupt ===", 6},
        {"=== syscall: entry_SYSCALL_64_after_hwframe (from user mode) ===", 8}};
    EXPECT_EQ(separatorsOf(json), expected);
    EXPECT_EQ(separatorsOf(model), expected);
}

TEST(StackModel, InlineFramesNestUnderTheirPhysicalFrameNumberedAsBtNumbersThem) {
    StackModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    model.setTrace(fakeTasks()[6], irqTrace());
    const QModelIndex panic = model.indexOfFrame(1);
    ASSERT_EQ(model.rowCount(panic), 2);
    // bt -l prints inner_fn #1, outer_fn #2, panic #3.
    EXPECT_EQ(model.index(0, StackModel::Number, panic).data().toString(), "#1");
    EXPECT_EQ(model.index(0, StackModel::Function, panic).data().toString(), "inner_fn (inlined)");
    EXPECT_EQ(model.index(1, StackModel::Source, panic).data().toString(), "kernel/outer.c:20");
    EXPECT_EQ(panic.siblingAtColumn(StackModel::Number).data().toString(), "#3");
    EXPECT_EQ(panic.siblingAtColumn(StackModel::Source).data().toString(), "kernel/panic.c:300");
    EXPECT_EQ(model.frameOf(model.index(1, 0, panic)), 1u);
    EXPECT_EQ(model.frameOf(model.index(6, 0)), 4u); // a boundary row belongs to the frame after
    EXPECT_EQ(model.indexOfFrame(0).siblingAtColumn(StackModel::FoundBy).data().toString(),
              "context");
}

TEST(StackModel, AnUnfinishedWalkEndsWithItsStatusAndReason) {
    StackModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    auto trace = irqTrace();
    trace.frames.resize(3);
    trace.stop = {unwind::WalkStatus::Unreliable, 0xffffffff81002000, "ORC has no entry"};
    model.setTrace(fakeTasks()[6], trace);
    const int last = model.rowCount() - 1;
    EXPECT_EQ(model.kindOf(model.index(last, 0)), Kind::Stop);
    EXPECT_EQ(model.index(last, 0).data().toString(), "(stack unreliable: ORC has no entry)");
    // The same words as the CLI's last line.
    const std::string text = backtraceText(fakeTasks()[6], trace);
    EXPECT_NE(text.find(" (stack unreliable: ORC has no entry)\n"), std::string::npos) << text;
    model.clear();
    EXPECT_EQ(model.rowCount(), 0);
}

TEST(CliOutput, ExportIsBtJsonOfTheTasks) {
    const auto tasks = fakeTasks();
    const auto trace = irqTrace();
    const std::string json = backtracesJson({{&tasks[6], &trace}, {&tasks[7], &trace}});
    nlohmann::ordered_json whole;
    whole["tasks"] = {report::taskBacktraceJson(tasks[6], trace),
                      report::taskBacktraceJson(tasks[7], trace)};
    EXPECT_EQ(json, whole.dump(2) + "\n");
    EXPECT_EQ(backtracesJson({}),
              nlohmann::ordered_json({{"tasks", nlohmann::ordered_json::array()}}).dump(2) + "\n");
}

} // namespace
} // namespace panicscope::gui::testing
