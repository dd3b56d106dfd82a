#include "kernel/modules.h"

#include "kernel/list_walk.h"
#include "util/hex.h"

#include <cstring>
#include <optional>

namespace panicscope::kernel {
namespace {

constexpr size_t kMaxModules = 65536;
constexpr uint32_t kMaxSymbols = 1u << 20;
constexpr uint32_t kMaxOrcs = 1u << 22;
constexpr size_t kSymSize = 24; // Elf64_Sym
constexpr uint8_t kSttFunc = 2;

struct ModuleLayout {
    uint64_t list, name, nameSize, textBase, textSize, textSizeBytes, initBase, initSize, kallsyms,
        numOrcs, orcIp, orcUnwind;
    uint64_t symtab, numSymtab, strtab;
};

Result<ModuleLayout> resolve(const KernelView& v) {
    ModuleLayout l{};
    auto get = [&](std::string_view s, std::string_view m, uint64_t& off,
                   uint64_t* size = nullptr) { return v.memberOffset(s, m, off, size); };
    for (auto r :
         {get("module", "list", l.list), get("module", "name", l.name, &l.nameSize),
          get("module", "kallsyms", l.kallsyms), get("mod_kallsyms", "symtab", l.symtab),
          get("mod_kallsyms", "num_symtab", l.numSymtab), get("mod_kallsyms", "strtab", l.strtab)})
        if (!r) return tl::unexpected(r.error());
    // ORC is optional (frame-pointer kernels have no arch.orc_*).
    if (!get("module", "arch.num_orcs", l.numOrcs) ||
        !get("module", "arch.orc_unwind_ip", l.orcIp) ||
        !get("module", "arch.orc_unwind", l.orcUnwind))
        l.numOrcs = l.orcIp = l.orcUnwind = ~uint64_t(0);
    // 6.4 replaced core_layout with mem[MOD_TEXT] (MOD_TEXT is 0).
    if (get("module", "core_layout.base", l.textBase) &&
        get("module", "core_layout.size", l.textSize, &l.textSizeBytes) &&
        get("module", "init_layout.base", l.initBase) &&
        get("module", "init_layout.size", l.initSize))
        return l;
    constexpr uint64_t kModInitText = 4; // enum mod_mem_type
    uint64_t mem = 0, base = 0, size = 0;
    auto entry = v.layouts().sizeOf("module_memory");
    if (entry && get("module", "mem", mem) && get("module_memory", "base", base) &&
        get("module_memory", "size", size, &l.textSizeBytes)) {
        l.textBase = mem + base;
        l.textSize = mem + size;
        l.initBase = mem + kModInitText * *entry + base;
        l.initSize = mem + kModInitText * *entry + size;
        return l;
    }
    return fail(Errc::NoType, "struct module has neither core_layout nor mem[]");
}

// kallsyms: an Elf64_Sym array and its string table, in the module's memory.
symbols::SymbolTable readModuleSymbols(const dump::Memory& mem, const ModuleLayout& l,
                                       const LoadedModule& m, std::vector<std::string>& warnings) {
    auto ks = mem.readU64(m.address + l.kallsyms);
    auto symtab = ks ? mem.readU64(*ks + l.symtab) : ks;
    auto count = ks ? mem.readU32(*ks + l.numSymtab) : tl::unexpected(ks.error());
    auto strtab = ks ? mem.readU64(*ks + l.strtab) : ks;
    std::vector<symbols::Symbol> syms;
    std::vector<std::string> names; // what syms' names view until the table copies them
    if (ks && symtab && count && strtab && *count < kMaxSymbols) {
        std::vector<std::byte> raw(size_t(*count) * kSymSize);
        names.reserve(*count); // no reallocation: the views stay valid
        if (mem.read(*symtab, raw)) {
            for (uint32_t i = 0; i < *count; ++i) {
                const std::byte* s = raw.data() + size_t(i) * kSymSize;
                uint32_t nameOff;
                uint8_t info;
                uint64_t value, symSize;
                std::memcpy(&nameOff, s, 4);
                std::memcpy(&info, s + 4, 1);
                std::memcpy(&value, s + 8, 8);
                std::memcpy(&symSize, s + 16, 8);
                if (!value || !nameOff) continue;
                auto symName = mem.readCString(*strtab + nameOff, 256);
                if (!symName || symName->empty()) continue;
                names.push_back(std::move(*symName));
                syms.push_back({names.back(), value, symSize, (info & 0xf) == kSttFunc});
            }
        } else {
            warnings.push_back("module " + m.name + ": its symbol table is not in the dump");
        }
    }
    return symbols::SymbolTable(std::move(syms));
}

// arch.orc_unwind_ip (s32 offsets, each from its own address) and arch.orc_unwind, into `m`.
void readModuleOrc(const dump::Memory& mem, const ModuleLayout& l, LoadedModule& m,
                   std::vector<std::string>& warnings) {
    if (l.numOrcs == ~uint64_t(0)) return;
    auto n = mem.readU32(m.address + l.numOrcs);
    auto ips = mem.readU64(m.address + l.orcIp);
    auto orcs = mem.readU64(m.address + l.orcUnwind);
    if (!n || !ips || !orcs || *n == 0 || *n >= kMaxOrcs) return;
    std::vector<int32_t> rel(*n);
    std::vector<uint8_t> entries(size_t(*n) * 6);
    if (mem.read(*ips, std::as_writable_bytes(std::span(rel))) &&
        mem.read(*orcs, std::as_writable_bytes(std::span(entries)))) {
        for (uint32_t i = 0; i < *n; ++i)
            m.orcAddresses.push_back(*ips + 4ull * i + static_cast<int64_t>(rel[i]));
        m.orcEntries = std::move(entries);
    } else {
        warnings.push_back("module " + m.name + ": its ORC tables are not in the dump");
    }
}

// The struct module at `address`; nullopt (with a warning) when its name or text is unreadable.
std::optional<LoadedModule> readModule(const KernelView& view, const ModuleLayout& l,
                                       uint64_t address, std::vector<std::string>& warnings) {
    const dump::Memory& mem = view.memory();
    LoadedModule m;
    m.address = address;
    auto name = mem.readCString(m.address + l.name, l.nameSize);
    auto base = mem.readU64(m.address + l.textBase);
    auto size = view.readUnsigned(m.address + l.textSize, l.textSizeBytes);
    if (!name || !base || !size) {
        warnings.push_back("module at " + hex(m.address) + ": cannot read its name or text");
        return std::nullopt;
    }
    m.name = *name;
    m.textBase = *base;
    m.textSize = *size;
    auto initBase = mem.readU64(m.address + l.initBase);
    auto initSize = view.readUnsigned(m.address + l.initSize, l.textSizeBytes);
    if (initBase && initSize && *initBase) {
        m.initBase = *initBase;
        m.initSize = *initSize;
    }
    m.symbols = readModuleSymbols(mem, l, m, warnings);
    readModuleOrc(mem, l, m, warnings);
    return m;
}

} // namespace

Result<ModuleList> readModules(const KernelView& view) {
    ModuleList out;
    // A kernel built without module support (CONFIG_MODULES=n) has no module list, and one with
    // none loaded an empty one: no struct module to look up then (where the types come from
    // DWARF, a struct the kernel lacks costs a read of every compilation unit).
    auto head = view.address("modules");
    if (!head) return out;
    const dump::Memory& mem = view.memory();
    if (auto first = mem.readU64(*head); first && *first == *head) return out;
    auto l = resolve(view);
    if (!l) return tl::unexpected(l.error());
    ListWalk walk = walkList(mem, *head, l->list, kMaxModules);
    for (uint64_t address : walk.entries)
        if (auto m = readModule(view, *l, address, out.warnings))
            out.modules.push_back(std::move(*m));
    // The bound is a guard against corrupt lists and has never been reported: kept so.
    if (walk.problem && walk.problem->kind != ListProblem::Kind::TooLong)
        out.warnings.push_back(describeListProblem("module", *walk.problem));
    return out;
}

} // namespace panicscope::kernel
