// Python classes for memory, symbols and code: MemoryBlock, SymbolInfo, CpuAddress, Instruction,
// CodeLine.
#include "bindings.h"
#include "model/values.h"
#include "value_class.h"

namespace panicscope::python {

namespace {

void bindSymbolInfo(py::module_& m) {
    using model::SymbolInfo;
    ValueClass<SymbolInfo::CpuAddress>(m, "CpuAddress", "A per-CPU variable in one CPU's area.")
        .field("cpu", &SymbolInfo::CpuAddress::cpu, "the CPU")
        .address("address", &SymbolInfo::CpuAddress::address, "the address in its area");

    ValueClass<SymbolInfo>(m, "SymbolInfo", "A symbol and where an address is in it (sym).")
        .field("query", &SymbolInfo::query, "what was asked")
        .address("address", &SymbolInfo::address,
                 "the address asked about, or the symbol's start for a name")
        .field("name", &SymbolInfo::name, "the symbol")
        .address("symbol_address", &SymbolInfo::symbolAddress, "its start")
        .field("offset", &SymbolInfo::offset, "address - symbol_address")
        .field("size", &SymbolInfo::size, "its size (the kernel's: to the next symbol)")
        .field("is_function", &SymbolInfo::isFunction, "code, not data")
        .field("module", &SymbolInfo::module, "the module, or None for the vmlinux")
        .field("file", &SymbolInfo::file, "the source file, or None")
        .field("line", &SymbolInfo::line, "the line, or None")
        .field("per_cpu", &SymbolInfo::perCpu, "a per-CPU variable (address is an offset)")
        .field("cpu", &SymbolInfo::cpu, "the CPU whose area the address is in, or None")
        .field("cpu_addresses", &SymbolInfo::cpuAddresses, "list of CpuAddress");
}

void bindCode(py::module_& m) {
    using disasm::Instruction;
    ValueClass<Instruction>(m, "Instruction", "One decoded x86-64 instruction (AT&T syntax).")
        .address("address", &Instruction::address, "where it is")
        .computed(
            "bytes",
            [](const Instruction& i) {
                return py::bytes(reinterpret_cast<const char*>(i.bytes.data()), i.bytes.size());
            },
            "its encoding")
        .field("mnemonic", &Instruction::mnemonic, "'callq', 'movq', ...")
        .field("operands", &Instruction::operands, "'%rsp, %rbp'; '' when none")
        .field("target", &Instruction::target, "a direct call's or jump's destination, or None")
        .field("is_call", &Instruction::isCall, "a call")
        .field("is_jump", &Instruction::isJump, "a jump (not a call or return)")
        .field("is_return", &Instruction::isReturn, "a return");

    using model::CodeLine;
    ValueClass<CodeLine>(m, "CodeLine", "An instruction with its place and its target named.")
        .field("instruction", &CodeLine::instruction, "the Instruction")
        .field("symbol", &CodeLine::symbol, "where it is: 'schedule+0x5', or None")
        .field("target", &CodeLine::target, "its target's symbol: 'schedule+0x0', or None")
        .field("file", &CodeLine::file, "the source file of its code, or None")
        .field("line", &CodeLine::line, "the line, or None")
        .property(
            "address", [](const CodeLine& l) { return l.instruction.address; },
            "instruction.address")
        .property(
            "text",
            [](const CodeLine& l) {
                const auto& i = l.instruction;
                return i.operands.empty() ? i.mnemonic : i.mnemonic + " " + i.operands;
            },
            "'mnemonic operands'");
}

} // namespace

void bindMemoryValues(py::module_& m) {
    using model::MemoryBlock;
    ValueClass<MemoryBlock>(m, "MemoryBlock",
                            "Memory read from the dump; pages it lacks are zeros, listed in "
                            "`missing`.")
        .address("address", &MemoryBlock::address, "where the read started")
        .computed(
            "bytes",
            [](const MemoryBlock& b) {
                return py::bytes(reinterpret_cast<const char*>(b.bytes.data()), b.bytes.size());
            },
            "the bytes (zeros where the dump lacks them)")
        .field("missing", &MemoryBlock::missing,
               "[(begin, end), ...]: the ranges the dump lacks, by address")
        .field("missing_reason", &MemoryBlock::missingReason,
               "why the first missing range is missing, or None")
        .property(
            "complete", [](const MemoryBlock& b) { return b.missing.empty(); },
            "whether the dump has every byte")
        .method(
            "present",
            [](const MemoryBlock& b, uint64_t address, uint64_t length) {
                return b.present(address, length);
            },
            py::arg("address"), py::arg("length") = 1,
            "Whether all of [address, address + length) was read from the dump.")
        .method("__len__", [](const MemoryBlock& b) { return b.bytes.size(); });

    bindSymbolInfo(m);
    bindCode(m);
}

} // namespace panicscope::python
