// Builds a synthetic kernel stack and the code it returns into, by name instead of raw offsets:
// functions with their ORC rules, frames pushed from the innermost outward, pt_regs blocks, and
// further stacks to switch to. For tests of the walker's strategies and its executor.
#pragma once

#include "fake_memory.h"
#include "symbols/symbol_table.h"
#include "unwind/code_map.h"
#include "unwind/orc_table.h"
#include "unwind/stack_walker.h"

#include <map>
#include <string>
#include <vector>

namespace panicscope::testing {

class StackBuilder {
  public:
    static constexpr uint64_t kTextBase = 0xffffffff81000000;
    static constexpr uint64_t kFunctionSize = 0x100;

    // A task stack [base, base + size); frames are pushed from `base + size - room` upward.
    explicit StackBuilder(uint64_t base = 0xffffc90000010000, uint64_t size = 0x4000)
        : cursor_(base + size / 2) {
        addStack(base, size, unwind::StackKind::Task, "task stack");
    }

    // Another stack the walk may visit (an IRQ stack).
    void addStack(uint64_t base, uint64_t size, unwind::StackKind kind, std::string name) {
        memory.mapZeros(base, size);
        stacks.push_back({base, base + size, kind, std::move(name)});
    }

    // A function whose every address has `rule` (an ORC entry).
    void function(const std::string& name, unwind::OrcEntry rule) {
        const uint64_t address = kTextBase + kFunctionSize * functions_.size();
        auto [it, added] = functions_.emplace(name, address);
        // The table copies the names; the map's keys outlive its construction.
        symbolList_.push_back({it->first, address, kFunctionSize, true});
        orcAddresses_.push_back(address);
        orcEntries_.push_back(rule);
    }
    // A C function with a frame of `frameSize` bytes above the return address's slot + 8.
    void callFunction(const std::string& name, int16_t frameSize) {
        function(name, orc(unwind::OrcType::Call, unwind::OrcReg::Sp, frameSize));
    }
    static unwind::OrcEntry orc(unwind::OrcType type, unwind::OrcReg spReg, int16_t spOffset) {
        unwind::OrcEntry e;
        e.type = type;
        e.spReg = spReg;
        e.spOffset = spOffset;
        return e;
    }

    uint64_t at(const std::string& name, uint64_t offset) const {
        return functions_.at(name) + offset;
    }
    uint64_t sp() const { return cursor_; }
    void moveTo(uint64_t sp) { cursor_ = sp; }

    // `frameSize` bytes of the current frame, whose return address goes back to caller+offset.
    void returnTo(const std::string& caller, uint64_t offset, uint64_t frameSize) {
        memory.put<uint64_t>(cursor_ + frameSize - 8, at(caller, offset));
        cursor_ += frameSize;
    }
    // A pt_regs at the current sp, saved by an interrupt of `ip` with stack pointer `sp`.
    void ptRegs(uint64_t ip, uint64_t sp, uint64_t cs = 0x10) {
        uint64_t words[arch::kPtRegsCount] = {};
        words[0] = 0x1515; // r15: a value the tests can recognise
        words[16] = ip;
        words[17] = cs;
        words[18] = 0x246;
        words[19] = sp;
        words[20] = cs == 0x10 ? 0x18 : 0x2b;
        memory.putBytes(cursor_, words, sizeof words);
        cursor_ += sizeof words;
    }

    // Only the hardware's frame (ip cs flags sp ss) at the current sp, as an exception pushes it.
    void iretFrame(uint64_t ip, uint64_t sp) {
        const uint64_t words[5] = {ip, 0x10, 0x246, sp, 0x18};
        memory.putBytes(cursor_, words, sizeof words);
        cursor_ += sizeof words;
    }

    // The walker's view of all this: call after the last function(). The whole fake text counts
    // as entry text, so the entry-call table applies wherever it has a row.
    const unwind::CodeMap& code() {
        auto all = symbolList_;
        all.push_back({"__entry_text_start", kTextBase - 0x10, 0, false});
        all.push_back(
            {"__entry_text_end", kTextBase + kFunctionSize * (functions_.size() + 1), 0, false});
        symbols = symbols::SymbolTable(all);
        orcTable = unwind::OrcTable::fromRows(orcAddresses_, orcEntries_);
        codeMap = unwind::CodeMap(symbols, 0, &orcTable, {});
        return codeMap;
    }
    unwind::StackTrace walk(uint64_t ip, uint64_t sp, bool fullRegs = false,
                            const unwind::EntryCallTable* entryCalls = nullptr) {
        unwind::WalkStart start;
        start.regs.ip = ip;
        start.regs.sp = sp;
        start.regs.cs = 0x10;
        start.fullRegs = fullRegs;
        start.interrupted = true;
        unwind::WalkerContext context{memory, code(), entryCalls, {}};
        return unwind::walkStack(context, start, stacks);
    }

    FakeMemory memory;
    std::vector<unwind::StackRange> stacks;
    symbols::SymbolTable symbols;
    unwind::OrcTable orcTable;
    unwind::CodeMap codeMap;

  private:
    uint64_t cursor_;
    std::map<std::string, uint64_t> functions_;
    std::vector<symbols::Symbol> symbolList_;
    std::vector<uint64_t> orcAddresses_;
    std::vector<unwind::OrcEntry> orcEntries_;
};

} // namespace panicscope::testing
