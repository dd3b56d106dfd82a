#include "report/state_report.h"

#include "report/json_report.h"
#include "util/hex.h"

#include <cstdio>
#include <ctime>

namespace panicscope::report {

using nlohmann::ordered_json;

namespace {

// crash's sys labels: right-aligned in 12 columns.
void field(std::ostream& out, const char* name, const std::string& value) {
    char label[32];
    std::snprintf(label, sizeof label, "%12s: ", name);
    out << label << value << '\n';
}

// crash's UPTIME: "00:00:18", "2 days, 03:04:05".
std::string formatUptimeShort(double seconds) {
    const auto whole = static_cast<unsigned long long>(seconds);
    char text[64];
    const unsigned long long days = whole / 86400;
    std::snprintf(text, sizeof text, "%02llu:%02llu:%02llu", whole / 3600 % 24, whole / 60 % 60,
                  whole % 60);
    return days ? std::to_string(days) + (days == 1 ? " day, " : " days, ") + text : text;
}

template <class T> ordered_json orNull(const std::optional<T>& value) {
    return value ? ordered_json(*value) : ordered_json(nullptr);
}

std::string withNote(std::string text, const std::string& note) {
    return note.empty() ? text : text + " (" + note + ")";
}

} // namespace

std::string formatWallClock(int64_t seconds) {
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm utc{};
    if (!gmtime_r(&t, &utc)) return std::to_string(seconds) + " s since the epoch";
    char text[64];
    std::strftime(text, sizeof text, "%a %b %e %H:%M:%S UTC %Y", &utc);
    return text;
}

std::string formatSize(uint64_t bytes) {
    constexpr uint64_t kKiB = 1024, kMiB = kKiB * 1024, kGiB = kMiB * 1024;
    char text[32];
    if (bytes == 0)
        return "0";
    else if (bytes < kMiB)
        std::snprintf(text, sizeof text, "%llu KB", static_cast<unsigned long long>(bytes / kKiB));
    else if (bytes < kGiB)
        std::snprintf(text, sizeof text, "%.1f MB", double(bytes) / double(kMiB));
    else
        std::snprintf(text, sizeof text, "%.1f GB", double(bytes) / double(kGiB));
    return text;
}

void printSystemInfo(std::ostream& out, const model::SystemInfo& info) {
    const auto& d = info.dump;
    field(out, "KERNEL", d.sources.fromDump ? "none (working from the dump alone)" : d.vmlinuxPath);
    field(out, "DUMPFILE", d.dumpPath);
    field(out, "CPUS", std::to_string(d.cpus));
    field(out, "DATE", info.wallClockSeconds ? formatWallClock(*info.wallClockSeconds) : "unknown");
    field(out, "UPTIME", d.uptimeSeconds ? formatUptimeShort(*d.uptimeSeconds) : "unknown");
    field(out, "LOAD AVERAGE",
          info.loadAverage ? (*info.loadAverage)[0] + ", " + (*info.loadAverage)[1] + ", " +
                                 (*info.loadAverage)[2]
                           : "unknown");
    field(out, "TASKS", std::to_string(info.taskCount));
    field(out, "NODENAME", d.nodename);
    field(out, "RELEASE", d.release);
    field(out, "VERSION", d.version);
    field(out, "MACHINE", d.machine);
    field(out, "TOTAL RAM",
          info.totalRamPages ? formatSize(*info.totalRamPages * info.pageSize) + " (" +
                                   std::to_string(*info.totalRamPages) + " pages)"
                             : "unknown");
    field(out, "PANIC",
          d.panicMessage.empty() ? "(no panic message in the log)" : "\"" + d.panicMessage + "\"");
    std::string taint = info.taintMask ? info.taintText : "unknown";
    if (!info.taintNames.empty()) {
        taint += "  (";
        for (size_t i = 0; i < info.taintNames.size(); ++i)
            taint += (i ? ", " : "") + info.taintNames[i];
        taint += ")";
    }
    field(out, "TAINTED", taint);
    for (const auto& m : info.taintingModules)
        field(out, "TAINTED BY", m.name + "(" + m.letters + ")");
    for (const auto& w : info.warnings)
        field(out, "WARNING", w.text);
}

ordered_json systemInfoJson(const model::SystemInfo& info) {
    const auto& d = info.dump;
    ordered_json j;
    j["release"] = d.release;
    j["version"] = d.version;
    j["machine"] = d.machine;
    j["nodename"] = d.nodename;
    j["cpus"] = d.cpus;
    j["date"] = info.wallClockSeconds ? ordered_json(formatWallClock(*info.wallClockSeconds))
                                      : ordered_json(nullptr);
    j["wall_clock_s"] = orNull(info.wallClockSeconds);
    j["uptime_s"] = orNull(d.uptimeSeconds);
    if (info.loadAverage) {
        j["load_average"] = ordered_json::array();
        for (const auto& load : *info.loadAverage)
            j["load_average"].push_back(std::stod(load));
    } else {
        j["load_average"] = nullptr;
    }
    j["tasks"] = info.taskCount;
    j["page_size"] = info.pageSize;
    j["total_ram_pages"] = orNull(info.totalRamPages);
    j["panic_message"] = d.panicMessage;
    j["taint_mask"] = info.taintMask ? ordered_json(hex(*info.taintMask)) : ordered_json(nullptr);
    j["tainted"] = info.taintMask ? ordered_json(info.taintText) : ordered_json(nullptr);
    j["taint_names"] = info.taintNames;
    j["tainting_modules"] = ordered_json::array();
    for (const auto& m : info.taintingModules)
        j["tainting_modules"].push_back(
            {{"name", m.name}, {"taints", hex(m.taints)}, {"flags", m.letters}});
    j["dump"] = d.dumpPath;
    j["vmlinux"] = d.vmlinuxPath;
    j["warnings"] = warningsJson(info.warnings);
    return j;
}

void printMemoryTotals(std::ostream& out, const model::MemoryTotals& m) {
    char line[160];
    auto row = [&](const char* name, std::optional<uint64_t> pages, std::optional<uint64_t> of,
                   const char* whole) {
        if (!pages) {
            std::snprintf(line, sizeof line, "%13s  %7s  %11s\n", name, "-", "unknown");
        } else if (!whole) {
            std::snprintf(line, sizeof line, "%13s  %7llu  %11s  %11s\n", name,
                          static_cast<unsigned long long>(*pages),
                          formatSize(*pages * m.pageSize).c_str(), "----");
        } else {
            const uint64_t percent = of && *of ? *pages * 100 / *of : 0;
            std::snprintf(line, sizeof line, "%13s  %7llu  %11s  %3llu%% of %s\n", name,
                          static_cast<unsigned long long>(*pages),
                          formatSize(*pages * m.pageSize).c_str(),
                          static_cast<unsigned long long>(percent), whole);
        }
        out << line;
    };
    const std::optional<uint64_t> total = m.totalRam;
    std::optional<uint64_t> slab;
    if (m.slabReclaimable && m.slabUnreclaimable) slab = *m.slabReclaimable + *m.slabUnreclaimable;
    out << "                 PAGES        TOTAL      PERCENTAGE\n";
    row("TOTAL MEM", total, std::nullopt, nullptr);
    row("FREE", m.free, total, "TOTAL MEM");
    row("USED", m.totalRam > m.free ? m.totalRam - m.free : 0, total, "TOTAL MEM");
    row("SHARED", m.shared, total, "TOTAL MEM");
    row("BUFFERS", m.buffers, total, "TOTAL MEM");
    row("CACHED", m.cached(), total, "TOTAL MEM");
    row("SLAB", slab, total, "TOTAL MEM");
    out << '\n';
    row("TOTAL HUGE", m.hugePages, std::nullopt, nullptr);
    out << '\n';
    row("TOTAL SWAP", m.swapTotal, std::nullopt, nullptr);
    std::optional<uint64_t> swapUsed;
    if (m.swapTotal && m.swapFree)
        swapUsed = *m.swapTotal > *m.swapFree ? *m.swapTotal - *m.swapFree : 0;
    row("SWAP USED", swapUsed, m.swapTotal, "TOTAL SWAP");
    row("SWAP FREE", m.swapFree, m.swapTotal, "TOTAL SWAP");
    out << '\n';
    row("COMMIT LIMIT", m.commitLimit, std::nullopt, nullptr);
    row("COMMITTED", m.committed, m.commitLimit, "TOTAL LIMIT");
    for (const auto& w : m.warnings)
        out << "WARNING: " << w << '\n';
}

ordered_json memoryTotalsJson(const model::MemoryTotals& m) {
    ordered_json j;
    j["page_size"] = m.pageSize;
    j["total_ram_pages"] = m.totalRam;
    j["free_pages"] = m.free;
    j["used_pages"] = m.totalRam > m.free ? m.totalRam - m.free : 0;
    j["shared_pages"] = orNull(m.shared);
    j["buffers_pages"] = orNull(m.buffers);
    j["cached_pages"] = orNull(m.cached());
    j["file_pages"] = orNull(m.filePages);
    j["swap_cache_pages"] = orNull(m.swapCache);
    j["slab_reclaimable_pages"] = orNull(m.slabReclaimable);
    j["slab_unreclaimable_pages"] = orNull(m.slabUnreclaimable);
    j["huge_pages"] = orNull(m.hugePages);
    j["swap_total_pages"] = orNull(m.swapTotal);
    j["swap_free_pages"] = orNull(m.swapFree);
    j["commit_limit_pages"] = orNull(m.commitLimit);
    j["committed_pages"] = orNull(m.committed);
    j["warnings"] = m.warnings;
    return j;
}

std::string addressSummary(const model::AddressDescription& a) {
    using K = model::AddressKind;
    const std::string at = hex16(a.address) + ": ";
    const std::string symbol = a.symbol ? *a.symbol + "+" + hex(a.symbolOffset) : "";
    switch (a.kind) {
    case K::KernelText:
    case K::KernelData:
        return withNote(at + (a.kind == K::KernelText ? "kernel text" : "kernel data") +
                            (symbol.empty() ? "" : ": " + symbol) + " (" +
                            a.section.value_or("kernel image") + ")",
                        a.note);
    case K::Module:
        return withNote(at + "module " + a.module.value_or("?") + " " + a.section.value_or("") +
                            (symbol.empty() ? "" : ": " + symbol),
                        a.note);
    case K::TaskStack:
        return withNote(at + "task stack of pid " + std::to_string(a.stack->pid.value_or(0)) +
                            " (" + a.stack->comm + ") task " + hex16(a.stack->task) + ", offset " +
                            hex(a.offset) + " of " + hex(a.stack->size),
                        a.note);
    case K::CpuStack:
        return withNote(at + "CPU " + std::to_string(a.stack->cpu.value_or(0)) + " " +
                            a.stack->name + ", offset " + hex(a.offset) + " of " +
                            hex(a.stack->size),
                        a.note);
    case K::PerCpu:
        return withNote(at + "per-CPU " + (symbol.empty() ? "area" : symbol) + " of CPU " +
                            std::to_string(a.cpu.value_or(0)),
                        a.note);
    case K::Slab:
        return withNote(at + "slab object of cache " + a.slab->cache + ": " +
                            hex16(a.slab->object) + "+" + hex(a.offset) + " (index " +
                            std::to_string(a.slab->index) + ", size " +
                            std::to_string(a.slab->objectSize) + ")",
                        a.note);
    case K::Page:
        return withNote(
            at + "direct-map page, pfn " + hex(a.page->pfn) +
                (a.page->structPage ? " (struct page " + hex16(a.page->structPage) + ")" : ""),
            a.note);
    case K::PageStruct:
        return withNote(at + "struct page " + hex16(a.page->structPage) + "+" + hex(a.offset) +
                            " of pfn " + hex(a.page->pfn),
                        a.note);
    case K::Vmalloc:
        return withNote(at + "vmalloc area", a.note);
    case K::User:
        return withNote(at + "a user-space address", a.note);
    case K::Unknown:
        break;
    }
    return at + "unknown" + (a.note.empty() ? "" : " (" + a.note + ")");
}

void printAddressDescription(std::ostream& out, const model::AddressDescription& a) {
    out << addressSummary(a) << '\n';
    auto line = [&](const char* name, const std::string& value) {
        char label[32];
        std::snprintf(label, sizeof label, "%9s: ", name);
        out << label << value << '\n';
    };
    line("KIND", kernel::addressKindKey(a.kind));
    if (!a.region.empty()) line("REGION", a.region);
    if (a.slab) {
        line("CACHE", a.slab->cache + " (kmem_cache " + hex16(a.slab->cacheAddress) + ")");
        line("OBJECT", hex16(a.slab->object) + " (size " + std::to_string(a.slab->objectSize) +
                           ", slot " + std::to_string(a.slab->slotSize) + ", index " +
                           std::to_string(a.slab->index) + " of the slab at " +
                           hex16(a.slab->slab) + ")");
    }
    if (a.stack)
        line("STACK", hex16(a.stack->base) + "-" + hex16(a.stack->base + a.stack->size) +
                          (a.stack->pid ? " task " + hex16(a.stack->task) : ""));
    if (a.page)
        line("PAGE", (a.page->structPage ? hex16(a.page->structPage) + "  " : std::string()) +
                         "PFN " + hex(a.page->pfn));
}

ordered_json addressDescriptionJson(const model::AddressDescription& a) {
    ordered_json j;
    j["address"] = hex(a.address);
    j["kind"] = kernel::addressKindKey(a.kind);
    j["region"] = a.region.empty() ? ordered_json(nullptr) : ordered_json(a.region);
    j["summary"] = addressSummary(a);
    if (a.symbol)
        j["symbol"] = {{"name", *a.symbol}, {"offset", a.symbolOffset}};
    else
        j["symbol"] = nullptr;
    j["section"] = orNull(a.section);
    j["module"] = orNull(a.module);
    if (a.stack)
        j["stack"] = {
            {"name", a.stack->name},
            {"pid", orNull(a.stack->pid)},
            {"comm", a.stack->pid ? ordered_json(a.stack->comm) : ordered_json(nullptr)},
            {"task", a.stack->task ? ordered_json(hex(a.stack->task)) : ordered_json(nullptr)},
            {"cpu", orNull(a.stack->cpu)},
            {"base", hex(a.stack->base)},
            {"size", a.stack->size}};
    else
        j["stack"] = nullptr;
    j["cpu"] = orNull(a.cpu);
    j["offset"] = a.offset;
    if (a.slab)
        j["slab"] = {{"cache", a.slab->cache},        {"kmem_cache", hex(a.slab->cacheAddress)},
                     {"object", hex(a.slab->object)}, {"object_size", a.slab->objectSize},
                     {"slot_size", a.slab->slotSize}, {"index", a.slab->index},
                     {"slab", hex(a.slab->slab)}};
    else
        j["slab"] = nullptr;
    if (a.page)
        j["page"] = {{"pfn", a.page->pfn},
                     {"struct_page", a.page->structPage ? ordered_json(hex(a.page->structPage))
                                                        : ordered_json(nullptr)}};
    else
        j["page"] = nullptr;
    j["note"] = a.note.empty() ? ordered_json(nullptr) : ordered_json(a.note);
    return j;
}

} // namespace panicscope::report
