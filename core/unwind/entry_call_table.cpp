#include "unwind/entry_call_table.h"

#include "unwind/entry_decoder.h"
#include "unwind/entry_patch_sites.h"
#include "unwind/entry_stack_switch.h"
#include "util/hex.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

namespace panicscope::unwind {

namespace {

using entry::EntryFrame;

// The exceptions for which the CPU pushes an error code (fixed by the architecture).
constexpr std::array<std::string_view, 9> kErrorCodeExceptions = {
    "double_fault",    "invalid_tss",        "segment_not_present",
    "stack_segment",   "general_protection", "page_fault",
    "alignment_check", "control_protection", "vmm_communication"};

struct EntryClass {
    BoundaryKind kind;
    EntryFrame frame;
};

// Which entry-text symbols are entry points, by the names the entry code has had since 5.8
// (idtentry macros). Anything else there is a helper reached from them (error_entry, ...).
std::optional<EntryClass> classifyEntry(std::string_view name) {
    if (name == "entry_SYSCALL_64" || name == "entry_SYSCALL_compat" ||
        name == "entry_SYSENTER_compat")
        return EntryClass{BoundaryKind::Syscall, EntryFrame::None};
    if (name == "entry_INT80_compat" || name == "asm_int80_emulation")
        return EntryClass{BoundaryKind::Syscall, EntryFrame::Iret};
    // The vector stubs (irq_entries_start) push the vector where an error code goes.
    if (name == "asm_common_interrupt" || name == "asm_spurious_interrupt")
        return EntryClass{BoundaryKind::Interrupt, EntryFrame::IretErrorCode};
    if (name.starts_with("asm_sysvec_") ||
        (name.starts_with("asm_") && name.ends_with("hypervisor_callback")))
        return EntryClass{BoundaryKind::Interrupt, EntryFrame::Iret};
    for (std::string_view prefix : {"asm_exc_", "asm_xenpv_exc_"}) {
        if (!name.starts_with(prefix)) continue;
        const std::string_view vector = name.substr(prefix.size());
        const BoundaryKind kind = boundaryKindOfEntry(name);
        const bool errorCode = std::find(kErrorCodeExceptions.begin(), kErrorCodeExceptions.end(),
                                         vector) != kErrorCodeExceptions.end();
        return EntryClass{kind, errorCode ? EntryFrame::IretErrorCode : EntryFrame::Iret};
    }
    return std::nullopt;
}

// Entry code outside the entry text: where a task starts (its pt_regs at the top of its stack,
// the user-mode registers, or zeros for a kernel thread) and where a dying task restarts.
struct TextEntry {
    std::string_view name;
    EntryFrame frame;
};
constexpr std::array<TextEntry, 3> kTextEntries = {{
    {"ret_from_fork", EntryFrame::TaskTop},
    {"ret_from_fork_asm", EntryFrame::TaskTop},
    {"rewind_stack_and_make_dead", EntryFrame::None},
}};

// C functions that return a struct pt_regs * the entry code then switches its stack to.
constexpr std::array<std::string_view, 3> kRegsReturning = {"sync_regs", "fixup_bad_iret",
                                                            "vc_switch_off_ist"};

std::string symbolName(const symbols::SymbolTable& symbols, uint64_t address) {
    const symbols::Symbol* s = symbols.containing(address);
    if (!s) return hex(address);
    if (s->address == address) return std::string(s->name);
    return std::string(s->name) + "+" + hex(address - s->address);
}

// A call through a retpoline thunk (`call __x86_indirect_thunk_rbx`) may be rewritten at boot to
// `call *%rbx` and nops: the same call, returning 2 bytes (3 for r8-r15) after it starts.
std::optional<uint64_t> unretpolinedReturn(uint64_t callAddress, std::string_view callee) {
    constexpr std::string_view prefix = "__x86_indirect_thunk_";
    if (!callee.starts_with(prefix)) return std::nullopt;
    const std::string_view reg = callee.substr(prefix.size());
    static constexpr std::array<std::string_view, 8> legacy = {"rax", "rcx", "rdx", "rbx",
                                                               "rsp", "rbp", "rsi", "rdi"};
    if (std::find(legacy.begin(), legacy.end(), reg) != legacy.end()) return callAddress + 2;
    if (reg.size() >= 2 && reg[0] == 'r' && reg[1] >= '0' && reg[1] <= '9') return callAddress + 3;
    return std::nullopt;
}

} // namespace

Result<EntryCallTable> EntryCallTable::build(const symbols::Vmlinux& vmlinux) {
    return buildFrom(
        vmlinux,
        [&vmlinux](uint64_t address, size_t length) {
            return vmlinux.readFileBytes(address, length);
        },
        !vmlinux.isDumpMemory());
}

Result<EntryCallTable> EntryCallTable::buildFromRunningCode(const symbols::Vmlinux& vmlinux,
                                                            const CodeReader& code) {
    return buildFrom(vmlinux, code, false);
}

Result<EntryCallTable> EntryCallTable::buildFrom(const symbols::Vmlinux& vmlinux,
                                                 const CodeReader& code, bool alternatives) {
    const symbols::SymbolTable& symbols = vmlinux.symbols();
    const symbols::Symbol* begin = symbols.byName("__entry_text_start");
    const symbols::Symbol* end = symbols.byName("__entry_text_end");
    if (!begin || !end || end->address <= begin->address)
        return fail(Errc::Unsupported, "the vmlinux has no entry text (__entry_text_start)");
    const std::string where = alternatives ? "the vmlinux file" : "the running kernel's code";
    auto entryText = code(begin->address, end->address - begin->address);
    if (!entryText) return fail(Errc::Corrupt, "the entry text is not in " + where);

    entry::DecoderInput input;
    input.regions.push_back({begin->address, *entryText});
    // Every symbol starting in the entry text that names an entry point.
    const symbols::Symbol* previous = nullptr;
    for (uint64_t a = begin->address; a < end->address; ++a) {
        const symbols::Symbol* s = symbols.containing(a);
        if (!s || s == previous || s->address != a) continue;
        previous = s;
        if (auto c = classifyEntry(s->name)) input.entryPoints.push_back({a, c->kind, c->frame});
    }
    for (const TextEntry& e : kTextEntries) {
        const symbols::Symbol* s = symbols.byName(e.name);
        if (!s) continue;
        // kallsyms (a kernel image read from a dump) has no sizes: up to the next symbol.
        const uint64_t size = s->size ? s->size : symbols.kallsymsSize(*s);
        if (size == 0 || size > (1u << 20)) continue;
        auto bytes = code(s->address, size);
        if (!bytes) continue;
        input.regions.push_back({s->address, *bytes});
        input.entryPoints.push_back({s->address, BoundaryKind::TaskTop, e.frame});
    }
    if (const symbols::Symbol* thunk = symbols.byName("__x86_return_thunk"))
        input.returnThunks.insert(thunk->address);
    for (std::string_view name : kRegsReturning)
        if (const symbols::Symbol* s = symbols.byName(name)) input.regsReturning.insert(s->address);
    // The vmlinux file's code may be patched at boot (its alternatives); running code was.
    if (alternatives) input.patchSites = entry::readPatchSites(vmlinux, input.regions).sites;

    const entry::DecodeResult decoded = entry::decodeEntryCalls(input);

    std::vector<EntryCall> rows;
    for (const entry::DecodedCall& c : decoded.calls) {
        EntryCall row;
        row.returnAddress = c.returnAddress;
        row.ptRegsOffset = c.ptRegsOffset;
        row.fullRegs = c.fullRegs;
        row.kind = c.kind;
        row.entrySymbol = symbolName(symbols, c.function);
        row.callee = c.target ? symbolName(symbols, c.target) : std::string();
        if (auto alt = unretpolinedReturn(c.callAddress, row.callee)) {
            EntryCall patched = row;
            patched.returnAddress = *alt;
            rows.push_back(std::move(patched));
        }
        rows.push_back(std::move(row));
    }

    const symbols::Symbol* textBegin = symbols.byName("_stext");
    const symbols::Symbol* textEnd = symbols.byName("_etext");
    if (textBegin && textEnd && textEnd->address > textBegin->address) {
        auto text = code(textBegin->address, textEnd->address - textBegin->address);
        if (!text) return fail(Errc::Corrupt, "the kernel text is not in " + where);
        for (const entry::StackSwitchCall& c :
             entry::findStackSwitchCalls(*text, textBegin->address)) {
            EntryCall row;
            row.returnAddress = c.returnAddress;
            row.previousSpOffset = c.savedSpOffset;
            row.kind = BoundaryKind::StackSwitch;
            const symbols::Symbol* function = symbols.containing(c.callAddress);
            row.entrySymbol = function ? std::string(function->name) : hex(c.callAddress);
            row.callee = c.target ? symbolName(symbols, c.target) : std::string();
            rows.push_back(std::move(row));
        }
    }

    EntryCallTable table = fromRows(std::move(rows));
    for (const entry::DecodeProblem& p : decoded.problems) {
        const symbols::Symbol* s = symbols.containing(p.address);
        table.problems_.push_back({p.address, s ? std::string(s->name) : std::string(), p.reason});
    }
    return table;
}

EntryCallTable EntryCallTable::fromRows(std::vector<EntryCall> rows) {
    std::stable_sort(rows.begin(), rows.end(), [](const EntryCall& a, const EntryCall& b) {
        return a.returnAddress < b.returnAddress;
    });
    // Alternatives calling different functions from one site share a row: "a|b".
    std::vector<EntryCall> merged;
    for (EntryCall& row : rows) {
        if (!merged.empty() && merged.back().returnAddress == row.returnAddress) {
            EntryCall& kept = merged.back();
            if (!row.callee.empty() && kept.callee != row.callee &&
                ("|" + kept.callee + "|").find("|" + row.callee + "|") == std::string::npos)
                kept.callee += "|" + row.callee;
            continue;
        }
        merged.push_back(std::move(row));
    }
    EntryCallTable table;
    table.rows_ = std::move(merged);
    return table;
}

const EntryCall* EntryCallTable::find(uint64_t returnAddress) const {
    auto it = std::lower_bound(
        rows_.begin(), rows_.end(), returnAddress,
        [](const EntryCall& row, uint64_t address) { return row.returnAddress < address; });
    return it != rows_.end() && it->returnAddress == returnAddress ? &*it : nullptr;
}

} // namespace panicscope::unwind
