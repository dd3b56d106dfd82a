// The log, disassembly and memory models on hand-made values.
#include "disassembly_model.h"
#include "log_model.h"
#include "memory_model.h"
#include "source_files.h"

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

namespace panicscope::gui::testing {
namespace {

constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;

std::vector<model::LogRecord> fakeLog() {
    return {{1, 1500000000, 6, 0, 1, "Run /init as init process"},
            {2, 8727927000, 4, 0, 98, "sysrq: Trigger a crash\nsecond line"},
            {3, 8800000000, 0, 0, LogModel::kCpuCaller | 1, "Kernel panic - not syncing: sysrq"}};
}

TEST(LogModel, OneRowPerLineAsTheCliPrintsThem) {
    LogModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    model.setLog(fakeLog());
    ASSERT_EQ(model.rowCount(), 4); // the record with a newline gives two lines
    EXPECT_EQ(model.index(1, LogModel::Time).data().toString(), "[    8.727927]");
    EXPECT_EQ(model.index(2, LogModel::Time).data().toString(), "[    8.727927]");
    EXPECT_EQ(model.index(2, LogModel::Text).data().toString(), "second line");
    EXPECT_EQ(model.index(1, LogModel::Level).data().toString(), "4 warning");
    EXPECT_EQ(model.index(1, LogModel::Caller).data().toString(), "T98");
    EXPECT_EQ(model.index(3, LogModel::Caller).data().toString(), "C1");
    EXPECT_EQ(model.index(2, 0).data(LogModel::RecordRole).value<size_t>(), 1u);
}

TEST(LogFilter, SearchesAnyCaseAndKeepsLevelsUpToTheChosenOne) {
    LogModel model;
    model.setLog(fakeLog());
    LogFilter filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter, kFatal);
    filter.setText("PANIC");
    ASSERT_EQ(filter.rowCount(), 1);
    EXPECT_EQ(filter.index(0, LogModel::Caller).data().toString(), "C1");
    filter.setText("");
    filter.setMaxLevel(4);
    EXPECT_EQ(filter.rowCount(), 3); // warning's two lines and the emerg one, not info
    filter.setMaxLevel(-1);
    EXPECT_EQ(filter.rowCount(), 4);
}

model::CodeLine code(uint64_t address, std::vector<uint8_t> bytes, const char* mnemonic,
                     const char* operands, int line) {
    model::CodeLine l;
    l.instruction.address = address;
    l.instruction.bytes = std::move(bytes);
    l.instruction.mnemonic = mnemonic;
    l.instruction.operands = operands;
    l.file = "arch/x86/lib/delay.c";
    l.line = line;
    return l;
}

TEST(DisassemblyModel, MarksTheInstructionContainingTheAddressAndInterleavesSource) {
    DisassemblyModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    std::vector<model::CodeLine> lines = {code(0x1000, {0x55}, "pushq", "%rbp", 10),
                                          code(0x1001, {0xe8, 0, 0, 0, 0}, "callq", "0x2000", 11),
                                          code(0x1006, {0xc3}, "retq", "", 11)};
    lines[1].instruction.target = 0x2000;
    lines[1].instruction.isCall = true;
    lines[1].target = "schedule+0x0";
    // A return address 0x1006 is executing the call before it: codeAddress() is 0x1005.
    model.setListing(lines, {QString("delay.c:10  a()"), QString("delay.c:11  b()"), std::nullopt},
                     0x1005);
    ASSERT_EQ(model.rowCount(), 5);
    EXPECT_TRUE(model.isSourceRow(0));
    EXPECT_TRUE(model.isSourceRow(2));
    EXPECT_EQ(model.highlightedRow(), 3);
    EXPECT_EQ(model.index(3, DisassemblyModel::Marker).data().toString(), "=>");
    EXPECT_EQ(model.index(3, DisassemblyModel::Instruction).data().toString(), "callq 0x2000");
    EXPECT_EQ(model.index(3, DisassemblyModel::Target).data().toString(), "<schedule+0x0>");
    EXPECT_EQ(model.index(3, DisassemblyModel::Offset).data().toString(), "<+1>");
    EXPECT_EQ(model.index(3, DisassemblyModel::Bytes).data().toString(), "e8 00 00 00 00");
    EXPECT_EQ(model.index(3, 0).data(DisassemblyModel::TargetRole).value<quint64>(), 0x2000u);
    EXPECT_EQ(model.rowOf(0x1006), 4);
    EXPECT_EQ(model.rowOf(0x3000), std::nullopt);
    model.clear();
    EXPECT_EQ(model.rowCount(), 0);
}

TEST(MemoryModel, WordsWithTheirSymbolsAndTheMissingPagesSaidSo) {
    MemoryModel model;
    QAbstractItemModelTester tester(&model, kFatal);
    model::MemoryBlock block;
    block.address = 0xffffc90000003000;
    block.bytes.assign(32, 0);
    block.bytes[0] = 'A';
    block.bytes[8] = 0x1e;
    block.missing = {{0xffffc90000003010, 0xffffc90000003020}};
    block.missingReason = "page not in the dump";
    model.setMemory(block, {"", "delay_tsc+0x1e"}, 0xffffc90000003008, "sp");
    ASSERT_EQ(model.rowCount(), 4);
    EXPECT_EQ(model.markedRow(), 1);
    EXPECT_EQ(model.index(1, MemoryModel::Marker).data().toString(), "sp");
    EXPECT_EQ(model.index(1, MemoryModel::Value).data().toString(), "000000000000001e");
    EXPECT_EQ(model.index(1, MemoryModel::Symbol).data().toString(), "delay_tsc+0x1e");
    EXPECT_EQ(model.index(0, MemoryModel::Ascii).data().toString(), "A.......");
    EXPECT_EQ(model.index(2, MemoryModel::Value).data().toString(), "(not in dump)");
    EXPECT_EQ(model.index(3, MemoryModel::Address).data().toString(), "ffffc90000003018");
    EXPECT_EQ(model.index(2, MemoryModel::Value).data(Qt::ToolTipRole).toString(),
              "page not in the dump");
}

TEST(SourceFiles, FindsTheLineTablesPathsUnderTheRoot) {
    QTemporaryDir root;
    ASSERT_TRUE(QDir(root.path()).mkpath("kernel"));
    QFile file(root.filePath("kernel/panic.c"));
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write("first\nsecond\n");
    file.close();
    SourceFiles sources;
    EXPECT_EQ(sources.resolve("kernel/panic.c"), std::nullopt); // no root yet
    sources.setRoot(root.path());
    EXPECT_EQ(sources.resolve("kernel/panic.c"), root.filePath("kernel/panic.c"));
    // An absolute build path: its tail is in the tree.
    EXPECT_EQ(sources.resolve("/build/linux-6.1/kernel/panic.c"), root.filePath("kernel/panic.c"));
    EXPECT_EQ(sources.resolve("kernel/other.c"), std::nullopt);
    EXPECT_EQ(sources.lines("kernel/panic.c"), (QStringList{"first", "second"}));
    EXPECT_TRUE(sources.lines("kernel/other.c").isEmpty());
}

} // namespace
} // namespace panicscope::gui::testing
