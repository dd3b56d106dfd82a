// The window on a real IRQ panic dump: the crashing task's stack with its separators where
// `bt --json` puts them, its registers, disassembly and memory; and bad input shown as the CLI's
// one line while the window stays usable.
#include "cli_output.h"
#include "disassembly_view.h"
#include "dump_manifest.h"
#include "log_model.h"
#include "log_view.h"
#include "main_window.h"
#include "memory_view.h"
#include "real_dump_options.h"
#include "register_view.h"
#include "report/json_report.h"
#include "separators.h"
#include "stack_view.h"
#include "summary_view.h"
#include "task_model.h"
#include "util/hex.h"
#include "wait.h"

#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QMessageBox>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeView>

#include <filesystem>
#include <fstream>

namespace panicscope::gui::testing {
namespace {

using panicscope::testing::manifestRow;

const panicscope::testing::DumpRow& irqDump() {
    return manifestRow("irq", "kdump", "kdump-zlib");
}

// Opens a dump in the window and waits for the crashing task's stack.
void openAndShowCrashingTask(MainWindow& window, const model::SessionOptions& options) {
    QSignalSpy shown(&window, &MainWindow::stackShown);
    window.openDump(options);
    ASSERT_TRUE(waitUntil([&] { return shown.count() > 0; }));
    ASSERT_TRUE(window.loader().current());
    ASSERT_EQ(window.currentTask(), window.loader().current()->crashingTask);
}

// The frame right after the first separator with this title.
size_t frameAfter(const StackModel& model, const QString& title) {
    for (int row = 0; row + 1 < model.rowCount(); ++row)
        if (model.index(row, 0).data().toString().startsWith(title))
            return *model.frameOf(model.index(row + 1, 0));
    ADD_FAILURE() << "no separator " << title.toStdString();
    return 0;
}

TEST(Window, ShowsTheCrashingTasksStackAsTheCliDoes) {
    MainWindow window;
    window.show();
    openAndShowCrashingTask(window, optionsFor(irqDump()));
    const auto dump = window.loader().current();
    const model::TaskRow& task = dump->tasks[*dump->crashingTask];
    const StackModel& stack = window.stackView()->model();
    // The CLI's JSON of the same Session's trace of the task.
    auto trace = dump->session->backtrace(task, model::BacktraceOptions{true});
    ASSERT_TRUE(trace);
    const auto json = report::taskBacktraceJson(task, *trace);
    EXPECT_EQ(report::taskBacktraceJson(task, stack.trace()), json);
    const Separators separators = separatorsOf(json);
    EXPECT_EQ(separatorsOf(stack), separators);
    // An IRQ panic: the walk leaves the IRQ stack and crosses the interrupt's pt_regs.
    const auto has = [&](const std::string& prefix) {
        return std::any_of(separators.begin(), separators.end(),
                           [&](const auto& s) { return s.first.starts_with(prefix); });
    };
    EXPECT_TRUE(has("--- <IRQ stack> ---"));
    EXPECT_TRUE(has("--- <task stack> ---"));
    EXPECT_TRUE(has("=== interrupt: "));
    // Copy gives bt -l's text.
    EXPECT_EQ(window.backtraceText().toStdString(), backtraceText(task, *trace));
    EXPECT_EQ(window.summaryView()->fieldText("Release").toStdString(), dump->info->release);
}

TEST(Window, TheBoundaryFramesRegistersDisassemblyAndMemory) {
    MainWindow window;
    window.show();
    openAndShowCrashingTask(window, optionsFor(irqDump()));
    const StackModel& stack = window.stackView()->model();
    const size_t at = frameAfter(stack, "=== interrupt: ");
    const unwind::Frame& frame = stack.trace().frames[at];
    ASSERT_TRUE(frame.boundary);
    QSignalSpy disassembled(window.disassemblyView(), &DisassemblyView::loaded);
    QSignalSpy memory(window.memoryView(), &MemoryView::loaded);
    window.stackView()->selectFrame(at);
    const QString rip = QString::fromStdString(hex16(frame.boundary->regs.ip));
    EXPECT_EQ(window.registerView()->savedValue("RIP"), rip);
    EXPECT_EQ(window.registerView()->frameValue("RIP"), rip);
    EXPECT_TRUE(window.registerView()->savedText().startsWith("    RIP: 0010:"))
        << window.registerView()->savedText().toStdString();
    // The interrupted instruction is highlighted in its function's code.
    ASSERT_TRUE(waitUntil([&] { return disassembled.count() > 0; }));
    const DisassemblyModel& code = window.disassemblyView()->model();
    ASSERT_TRUE(code.highlightedRow()) << window.disassemblyView()->title().toStdString();
    const auto address = code.index(*code.highlightedRow(), 0).data(DisassemblyModel::AddressRole);
    EXPECT_EQ(address.value<quint64>(), frame.pc);
    EXPECT_TRUE(
        window.disassemblyView()->title().startsWith(QString::fromStdString(*frame.function)));
    // The words around its stack pointer, sp marked.
    ASSERT_TRUE(waitUntil([&] { return memory.count() > 0; }));
    const MemoryModel& words = window.memoryView()->model();
    ASSERT_TRUE(words.markedRow());
    EXPECT_EQ(words.index(*words.markedRow(), MemoryModel::Address).data().toString(),
              QString::fromStdString(hex16(frame.sp)));
}

TEST(Window, AReturnAddressHighlightsTheCallBeforeIt) {
    MainWindow window;
    window.show();
    openAndShowCrashingTask(window, optionsFor(irqDump()));
    const auto& frames = window.stackView()->model().trace().frames;
    const auto returning = std::find_if(frames.begin(), frames.end(), [](const unwind::Frame& f) {
        return !f.interrupted && !f.userMode && f.function;
    });
    ASSERT_NE(returning, frames.end());
    QSignalSpy disassembled(window.disassemblyView(), &DisassemblyView::loaded);
    window.stackView()->selectFrame(size_t(returning - frames.begin()));
    ASSERT_TRUE(waitUntil([&] { return disassembled.count() > 0; }));
    const DisassemblyModel& code = window.disassemblyView()->model();
    ASSERT_TRUE(code.highlightedRow());
    const auto& insn =
        std::find_if(code.code().begin(), code.code().end(), [&](const auto& l) {
            return l.instruction.address + l.instruction.bytes.size() == returning->pc;
        })->instruction;
    EXPECT_TRUE(insn.isCall);
    EXPECT_EQ(
        code.index(*code.highlightedRow(), 0).data(DisassemblyModel::AddressRole).value<quint64>(),
        insn.address);
}

TEST(Window, ACallTargetLeadsToItsFunctionAndBackReturns) {
    MainWindow window;
    window.show();
    openAndShowCrashingTask(window, optionsFor(irqDump()));
    QSignalSpy disassembled(window.disassemblyView(), &DisassemblyView::loaded);
    window.stackView()->selectFrame(0);
    ASSERT_TRUE(waitUntil([&] { return disassembled.count() > 0; }));
    DisassemblyView& view = *window.disassemblyView();
    const QString first = view.title();
    // A direct call out of the function, clicked in the Target column.
    const DisassemblyModel& code = view.model();
    int row = -1;
    for (int r = 0; r < code.rowCount() && row < 0; ++r) {
        const QVariant target = code.index(r, 0).data(DisassemblyModel::TargetRole);
        if (target.isValid() && !code.rowOf(target.value<quint64>()) &&
            code.index(r, DisassemblyModel::Instruction).data().toString().startsWith("call"))
            row = r;
    }
    ASSERT_GE(row, 0) << "no call in " << first.toStdString();
    const QString target = code.index(row, DisassemblyModel::Target).data().toString(); // <f+0x0>
    const auto address = code.index(row, 0).data(DisassemblyModel::TargetRole).value<quint64>();
    const QModelIndex cell = code.index(row, DisassemblyModel::Target);
    view.view()->scrollTo(cell);
    QTest::mouseClick(view.view()->viewport(), Qt::LeftButton, {},
                      view.view()->visualRect(cell).center());
    ASSERT_TRUE(waitUntil([&] { return disassembled.count() > 1; }));
    EXPECT_TRUE(view.title().startsWith(target.mid(1, target.indexOf('+') - 1)))
        << view.title().toStdString() << " for " << target.toStdString();
    ASSERT_TRUE(view.model().highlightedRow());
    EXPECT_EQ(view.model()
                  .index(*view.model().highlightedRow(), 0)
                  .data(DisassemblyModel::AddressRole)
                  .value<quint64>(),
              address);
    QTest::keyClick(&window, Qt::Key_Left, Qt::AltModifier); // Back
    ASSERT_TRUE(waitUntil([&] { return disassembled.count() > 2; }));
    EXPECT_EQ(view.title(), first);
}

TEST(Window, TheLogsPanicLineLeadsToTheCrashingTask) {
    MainWindow window;
    window.show();
    openAndShowCrashingTask(window, optionsFor(irqDump()));
    const size_t crashing = *window.currentTask();
    window.selectPid(1); // somewhere else first
    ASSERT_NE(window.currentTask(), crashing);
    // The panic line was printed on the panic CPU: activating it goes to that CPU's task.
    QTreeView* log = window.logView()->view();
    ASSERT_TRUE(waitUntil([&] { return log->model()->rowCount() > 0; }));
    window.logView()->setSearch("Kernel panic - not syncing");
    ASSERT_EQ(log->model()->rowCount(), 1);
    emit log->activated(log->model()->index(0, LogModel::Text));
    EXPECT_EQ(window.currentTask(), crashing);
}

TEST(Window, SourceLinesInterleaveWhenTheSourceRootHasTheFile) {
    // A source tree with the crashing frame's file, every line saying its number.
    const auto& row = irqDump();
    model::SessionOptions options = optionsFor(row);
    auto session = model::Session::open(options);
    ASSERT_TRUE(session);
    auto task = (*session)->crashingTask();
    ASSERT_TRUE(task && *task);
    auto trace = (*session)->backtrace(**task, model::BacktraceOptions{true});
    ASSERT_TRUE(trace && !trace->frames.empty() && trace->frames[0].file);
    const QString file = QString::fromStdString(*trace->frames[0].file);
    QTemporaryDir root;
    ASSERT_TRUE(QDir(root.path()).mkpath(QFileInfo(file).path()));
    QFile source(root.filePath(file));
    ASSERT_TRUE(source.open(QIODevice::WriteOnly));
    for (int line = 1; line <= 5000; ++line)
        source.write(QString("source line %1\n").arg(line).toUtf8());
    source.close();
    QSettings().setValue("sourceRoot", root.path());

    MainWindow window;
    QSettings().remove("sourceRoot");
    window.show();
    QSignalSpy disassembled(window.disassemblyView(), &DisassemblyView::loaded);
    openAndShowCrashingTask(window, options);
    ASSERT_TRUE(waitUntil([&] { return disassembled.count() > 0; }));
    const DisassemblyModel& code = window.disassemblyView()->model();
    const QString expected =
        QString("%1:%2    source line %2").arg(file).arg(*trace->frames[0].line);
    bool found = false;
    for (int r = 0; r < code.rowCount(); ++r)
        found |= code.isSourceRow(r) && code.index(r, 0).data().toString() == expected;
    EXPECT_TRUE(found) << expected.toStdString();
}

TEST(Window, EveryTaskGetsItsStackStatusAndExportIsBtJson) {
    MainWindow window;
    window.show();
    QSignalSpy finished(&window.loader(), &DumpLoader::unwindFinished);
    openAndShowCrashingTask(window, optionsFor(irqDump()));
    ASSERT_TRUE(waitUntil([&] { return finished.count() > 0; }));
    const auto dump = window.loader().current();
    auto* table = window.taskTable()->model();
    ASSERT_EQ(size_t(table->rowCount()), dump->tasks.size());
    std::vector<std::pair<const model::TaskRow*, const unwind::StackTrace*>> all;
    for (size_t i = 0; i < dump->tasks.size(); ++i) {
        ASSERT_TRUE(window.traces()[i]) << i;
        all.emplace_back(&dump->tasks[i], &*window.traces()[i]);
    }
    for (int row = 0; row < table->rowCount(); ++row) {
        const auto task = table->index(row, 0).data(TaskIndexRole).value<size_t>();
        EXPECT_EQ(table->index(row, StackStatus).data().toString().toStdString(),
                  unwind::walkStatusKey(window.traces()[task]->stop.kind));
        EXPECT_EQ(table->index(row, Mark).data().toString() == "*", dump->tasks[task].crashing);
    }
    EXPECT_EQ(window.backtraceJson(true).toStdString(), backtracesJson(all));
    const auto tasks = nlohmann::json::parse(window.backtraceJson(true).toStdString());
    EXPECT_EQ(tasks.at("tasks").size(), dump->tasks.size());
}

// ---- Bad input ----

std::string tempFile(const QTemporaryDir& dir, const char* name, const std::string& bytes) {
    const std::string path = dir.filePath(name).toStdString();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

std::string headOf(const std::string& path, size_t bytes) {
    std::ifstream in(path, std::ios::binary);
    std::string head(bytes, '\0');
    in.read(head.data(), std::streamsize(bytes));
    return head;
}

// Opens what cannot be opened: the dialog says the Error's message; then the good dump opens.
void expectErrorAndStillUsable(MainWindow& window, const model::SessionOptions& bad) {
    auto expected = model::Session::open(bad);
    ASSERT_FALSE(expected);
    QSignalSpy failed(&window.loader(), &DumpLoader::failed);
    window.openDump(bad);
    ASSERT_TRUE(waitUntil([&] { return failed.count() > 0; }));
    const QString message = QString::fromStdString(expected.error().message);
    EXPECT_EQ(failed[0][0].toString(), message);
    EXPECT_EQ(window.lastError(), message);
    auto* box = window.findChild<QMessageBox*>();
    ASSERT_NE(box, nullptr);
    EXPECT_EQ(box->text(), message);
    EXPECT_TRUE(box->isVisible());
    EXPECT_FALSE(box->isModal()); // the window stays usable
    EXPECT_FALSE(window.loader().busy());
    openAndShowCrashingTask(window, optionsFor(irqDump()));
}

TEST(WindowBadInput, NotADump) {
    QTemporaryDir dir;
    MainWindow window;
    window.show();
    model::SessionOptions bad = optionsFor(irqDump());
    bad.dumpPaths = {tempFile(dir, "notes.txt", "this is not a crash dump\n")};
    expectErrorAndStillUsable(window, bad);
}

TEST(WindowBadInput, TruncatedDump) {
    QTemporaryDir dir;
    MainWindow window;
    window.show();
    model::SessionOptions bad = optionsFor(irqDump());
    bad.dumpPaths = {tempFile(dir, "vmcore", headOf(irqDump().dump, 100))};
    expectErrorAndStillUsable(window, bad);
    EXPECT_NE(window.lastError().indexOf("dump is truncated"), -1);
}

TEST(WindowBadInput, TheOtherKernelsVmlinux) {
    MainWindow window;
    window.show();
    // A dump is shown already: it stays shown when the next one fails.
    openAndShowCrashingTask(window, optionsFor(irqDump()));
    model::SessionOptions bad = optionsFor(irqDump());
    bad.vmlinuxPath =
        manifestRow(panicscope::testing::kKernels[1], "irq", "kdump", "kdump-zlib").vmlinux;
    expectErrorAndStillUsable(window, bad);
    EXPECT_NE(window.lastError().indexOf("does not match the dump"), -1);
}

TEST(WindowBadInput, AsksForTheVmlinuxOnlyWhenItIsNotFound) {
    MainWindow window;
    window.show();
    QStringList asked;
    window.setVmlinuxChooser([&](const QString& why) {
        asked << why;
        return QString::fromStdString(irqDump().vmlinux);
    });
    model::SessionOptions options;
    options.dumpPaths = {irqDump().dump};
    auto direct = model::Session::open(options); // where the release's vmlinux is looked for
    openAndShowCrashingTask(window, options);
    if (direct) {
        EXPECT_TRUE(asked.isEmpty()); // installed where the CLI finds it too
    } else {
        ASSERT_EQ(direct.error().code, Errc::VmlinuxMissing);
        EXPECT_EQ(asked, QStringList{QString::fromStdString(direct.error().message)});
    }
}

} // namespace
} // namespace panicscope::gui::testing
