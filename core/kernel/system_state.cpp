#include "kernel/system_state.h"

#include <cstdio>

namespace panicscope::kernel {
namespace {

constexpr unsigned kFixedShift = 11;    // FSHIFT: avenrun[] is fixed point with 11 fraction bits
constexpr uint64_t kMaxTaintFlags = 64; // tainted_mask is one unsigned long

// tk_core is `static struct { seqcount_raw_spinlock_t seq; struct timekeeper timekeeper; }`
// (named struct tk_data from 6.13, with a shadow timekeeper after it): an anonymous struct the
// layouts cannot name, whose last member is the timekeeper.
Result<uint64_t> timekeeperAddress(const KernelView& view) {
    auto tkCore = view.address("tk_core");
    if (!tkCore) return tkCore;
    const symbols::Symbol* symbol = view.symbols().byName("tk_core");
    auto size = view.layouts().sizeOf("timekeeper");
    if (!size) return tl::unexpected(size.error());
    // Only the seqcount (and padding) before it: the anonymous struct. (Asking for tk_data
    // first would cost a kernel without it a read of every DWARF unit.)
    if (symbol && symbol->size >= *size && symbol->size - *size <= 64)
        return *tkCore + (symbol->size - *size);
    if (auto member = view.member("tk_data", "timekeeper")) return *tkCore + member->offset;
    return fail(Errc::NoType, "tk_core does not end with a struct timekeeper");
}

Result<int64_t> readWallClock(const KernelView& view) {
    auto tk = timekeeperAddress(view);
    if (!tk) return tl::unexpected(tk.error());
    auto seconds = view.readField(*tk, "timekeeper", "xtime_sec");
    if (!seconds) return tl::unexpected(seconds.error());
    return static_cast<int64_t>(*seconds);
}

Result<std::array<uint64_t, 3>> readLoadAverage(const KernelView& view) {
    auto avenrun = view.address("avenrun");
    if (!avenrun) return tl::unexpected(avenrun.error());
    std::array<uint64_t, 3> out{};
    for (size_t i = 0; i < out.size(); ++i) {
        auto value = view.memory().readU64(*avenrun + 8 * i);
        if (!value) return tl::unexpected(value.error());
        out[i] = *value;
    }
    return out;
}

// The kernel's taint_flags[] (struct taint_flag {char c_true, c_false; bool module; [desc]}).
Result<std::vector<TaintFlag>> readTaintFlags(const KernelView& view) {
    auto table = view.address("taint_flags");
    if (!table) return tl::unexpected(table.error());
    const symbols::Symbol* symbol = view.symbols().byName("taint_flags");
    auto entry = view.layouts().sizeOf("taint_flag");
    if (!entry) return tl::unexpected(entry.error());
    uint64_t cTrue = 0, cFalse = 0, module = 0, desc = 0;
    for (auto r : {view.memberOffset("taint_flag", "c_true", cTrue),
                   view.memberOffset("taint_flag", "c_false", cFalse),
                   view.memberOffset("taint_flag", "module", module)})
        if (!r) return tl::unexpected(r.error());
    const bool hasDesc = bool(view.memberOffset("taint_flag", "desc", desc));
    if (*entry == 0 || !symbol || symbol->size % *entry != 0 ||
        symbol->size / *entry > kMaxTaintFlags)
        return fail(Errc::NoType, "taint_flags[] is not an array of struct taint_flag");
    std::vector<TaintFlag> flags;
    for (unsigned bit = 0; bit < symbol->size / *entry; ++bit) {
        const uint64_t at = *table + bit * *entry;
        auto t = view.memory().readValue<uint8_t>(at + cTrue);
        auto f = view.memory().readValue<uint8_t>(at + cFalse);
        auto m = view.memory().readValue<uint8_t>(at + module);
        if (!t || !f || !m) return fail(Errc::NotInDump, "taint_flags[] is not in the dump");
        TaintFlag flag{bit, static_cast<char>(*t), static_cast<char>(*f), *m != 0, ""};
        if (hasDesc)
            if (auto text = view.memory().readU64(at + desc); text && *text)
                flag.description = view.memory().readCString(*text, 64).value_or("");
        flags.push_back(std::move(flag));
    }
    return flags;
}

std::vector<TaintingModule> readModuleTaints(const KernelView& view, const ModuleList& modules,
                                             const std::vector<TaintFlag>& flags,
                                             std::vector<std::string>& warnings) {
    std::vector<TaintingModule> out;
    for (const auto& m : modules.modules) {
        auto taints = view.readField(m.address, "module", "taints");
        if (!taints) {
            warnings.push_back("module " + m.name + ": taints: " + taints.error().message);
            continue;
        }
        if (*taints == 0) continue;
        std::string letters;
        for (const auto& f : flags) // module_flags_taint(): the module-capable flags set
            if (f.module && (*taints >> f.bit) & 1) letters += f.letter;
        out.push_back({m.name, *taints, letters});
    }
    return out;
}

} // namespace

Result<uint64_t> readTotalRamPages(const KernelView& view) {
    if (auto atomic = view.address("_totalram_pages")) {
        auto counter = view.member("atomic64_t", "counter");
        return view.readUnsigned(*atomic + (counter ? counter->offset : 0), 8);
    }
    return view.readGlobal("totalram_pages");
}

SystemState readSystemState(const KernelView& view, const ModuleList* modules, uint64_t pageSize) {
    SystemState s;
    s.pageSize = pageSize;
    auto note = [&](const char* what, const Error& e) {
        s.warnings.push_back(std::string(what) + ": " + e.message);
    };
    if (auto clock = readWallClock(view))
        s.wallClockSeconds = *clock;
    else
        note("wall clock", clock.error());
    if (auto load = readLoadAverage(view))
        s.loadAverage = *load;
    else
        note("load average", load.error());
    if (auto ram = readTotalRamPages(view))
        s.totalRamPages = *ram;
    else
        note("total RAM", ram.error());
    if (auto mask = view.readGlobal("tainted_mask"))
        s.taintMask = *mask;
    else
        note("tainted_mask", mask.error());
    if (auto flags = readTaintFlags(view))
        s.taintFlags = std::move(*flags);
    else
        note("taint flags", flags.error());
    if (modules) s.taintingModules = readModuleTaints(view, *modules, s.taintFlags, s.warnings);
    return s;
}

std::string taintText(uint64_t mask, const std::vector<TaintFlag>& flags) {
    if (mask == 0) return "Not tainted";
    std::string out;
    for (const auto& f : flags)
        out += (mask >> f.bit) & 1 ? f.letter : f.unsetLetter;
    return out;
}

std::string formatLoad(uint64_t fixedPoint) {
    constexpr uint64_t kOne = uint64_t(1) << kFixedShift;
    const uint64_t x = fixedPoint + kOne / 200; // round to 1/100, as fs/proc/loadavg.c does
    char text[32];
    std::snprintf(text, sizeof text, "%lu.%02lu", static_cast<unsigned long>(x >> kFixedShift),
                  static_cast<unsigned long>(((x & (kOne - 1)) * 100) >> kFixedShift));
    return text;
}

} // namespace panicscope::kernel
