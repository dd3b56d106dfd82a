#include "symbols/vmlinux.h"

#include "symbols/btf_layouts.h"
#include "symbols/call_frame_info.h"
#include "symbols/dwarf_handle.h"
#include "symbols/dwarf_layouts.h"
#include "symbols/elf_file.h"
#include "symbols/kallsyms.h"
#include "symbols/memory_image.h"
#include "symbols/source_lines.h"
#include "util/file_magic.h"
#include "util/index_cache.h"

#include <future>

namespace panicscope::symbols {

namespace {

// "Linux version RELEASE (builder) ...": the third word.
std::string releaseOf(std::string_view banner) {
    constexpr std::string_view prefix = "Linux version ";
    if (!banner.starts_with(prefix)) return {};
    banner.remove_prefix(prefix.size());
    return std::string(banner.substr(0, banner.find_first_of(" \n")));
}

} // namespace

struct Vmlinux::Impl {
    Impl(std::string p, ElfFile e)
        : path(std::move(p)), elf(std::move(e)), dwarf(DwarfHandle::open(elf->elf())),
          dwarfLayouts(dwarf.get(), path), lines(dwarf.get()) {
        if (dwarf) dwarf->cache = IndexCache::forFile(path, elf->buildId());
        if (auto btf = elf->sectionBytes(".BTF")) btfLayouts.emplace(*btf, dwarfLayouts);
    }
    // The kernel image in a dump's memory: no file, no DWARF; BTF is added by fromDump().
    Impl(std::string p, const dump::Memory& memory, uint64_t slide)
        : path(std::move(p)), image(std::make_unique<MemoryImage>(memory, slide)),
          dwarfLayouts(nullptr, path), lines(nullptr) {}
    const Layouts& layouts() const {
        return btfLayouts ? static_cast<const Layouts&>(*btfLayouts) : dwarfLayouts;
    }

    // Members are destroyed in reverse order: the DWARF users before libdw's handle, the handle
    // before the ELF mapping it reads.
    std::string path;
    std::optional<ElfFile> elf;         // the vmlinux file, or
    std::unique_ptr<MemoryImage> image; // the kernel image in the dump's memory
    std::unique_ptr<DwarfHandle> dwarf;
    DwarfLayouts dwarfLayouts;
    std::optional<BtfLayouts> btfLayouts; // when the kernel carries BTF (CONFIG_DEBUG_INFO_BTF)
    SourceLines lines;
    SymbolTable symbols;
    std::string banner;
    std::string release;
    std::string buildId;
    // The first DWARF and layout work, on a second thread (see open()); last, so that it is
    // destroyed first: its destructor waits for the work before the members it uses go.
    std::future<void> warmUp;
};

namespace {

// The ELF symbol table sorted and indexed, from the index cache when an earlier run kept it.
SymbolTable symbolTableOf(const ElfFile& elf, const std::string& path) {
    return IndexCache::forFile(path, elf.buildId())
        .loadOrBuild(
            "symbols",
            [](const MappedFile& entry) {
                return SymbolTable::decode(entry.bytes(), entry.owner());
            },
            [&elf] { return SymbolTable(elf.symbols()); },
            [](const SymbolTable& table) { return table.encode(); });
}

} // namespace

Result<std::unique_ptr<Vmlinux>> Vmlinux::open(const std::string& path, bool warmSourceLines) {
    auto elf = ElfFile::open(path);
    if (!elf) return tl::unexpected(elf.error());
    auto notKernel = [&] {
        return fail(Errc::VmlinuxMissing,
                    path + " is not an x86-64 kernel image (vmlinux) with a symbol table");
    };
    // libdw leaves relocatable objects (ET_REL) unrelocated, so only linked images qualify.
    const GElf_Ehdr& header = elf->header();
    if (!elf->isElf64())
        if (auto misplaced = recognizeMisplacedFile(path))
            return fail(Errc::VmlinuxMissing,
                        path + " is " + misplaced->what + ", not a vmlinux: " + misplaced->remedy);
    if (!elf->isElf64() || header.e_machine != EM_X86_64 ||
        (header.e_type != ET_EXEC && header.e_type != ET_DYN) || !elf->hasSymbolTable())
        return notKernel();

    auto impl = std::make_unique<Impl>(path, std::move(*elf));
    // While this thread builds the symbol table, another one does the first, slowest DWARF work
    // every session needs next: the address ranges of all units (file:line, inline frames) and
    // the struct layouts up to task_struct (BTF's index, or DWARF's type index on a kernel
    // without BTF); the address ranges only for a caller that wants source lines. open() does not
    // wait for it: libdw calls hold the handle's mutex and the layouts are thread-safe, so a caller
    // that needs them waits there, and one that needs only the symbols (the unwind tables) starts
    // at once.
    impl->warmUp = std::async(std::launch::async, [i = impl.get(), warmSourceLines] {
        if (!i->dwarf) return;
        if (warmSourceLines) {
            std::lock_guard lock(i->dwarf->mutex);
            Dwarf_Aranges* aranges = nullptr;
            size_t count = 0;
            dwarf_getaranges(i->dwarf->dwarf, &aranges, &count);
        }
        (void)i->layouts().sizeOf("task_struct");
    });
    SymbolTable symbols = symbolTableOf(*impl->elf, path);
    // Every kernel has linux_banner (init/version.c); a user-space program does not.
    const Symbol* bannerSymbol = symbols.byName("linux_banner");
    auto bannerBytes = bannerSymbol ? impl->elf->bytesFrom(bannerSymbol->address) : std::nullopt;
    if (!bannerBytes) return notKernel();
    if (bannerSymbol->size != 0) *bannerBytes = bannerBytes->substr(0, bannerSymbol->size);

    impl->banner = std::string(bannerBytes->substr(0, bannerBytes->find('\0')));
    impl->release = releaseOf(impl->banner);
    impl->buildId = impl->elf->buildId();
    impl->symbols = std::move(symbols);
    return std::unique_ptr<Vmlinux>(new Vmlinux(std::move(impl)));
}

Result<std::unique_ptr<Vmlinux>> Vmlinux::fromDumpMemory(const dump::Memory& memory,
                                                         const dump::Vmcoreinfo& vmcoreinfo,
                                                         const std::string& name) {
    const auto slide = vmcoreinfo.kernelOffset();
    if (!slide)
        return fail(Errc::Unsupported, "the dump's VMCOREINFO has no KERNELOFFSET, so the "
                                       "kernel image cannot be found without a vmlinux");
    auto kallsyms = readKallsyms(memory, vmcoreinfo);
    if (!kallsyms) return tl::unexpected(kallsyms.error());
    auto impl = std::make_unique<Impl>(name, memory, *slide);
    impl->symbols = kallsymsSymbolTable(*kallsyms, *slide);
    const std::string release = vmcoreinfo.osrelease().value_or("the kernel");

    // BTF: CONFIG_DEBUG_INFO_BTF puts it between __start_BTF and __stop_BTF, kept in memory
    // for BPF.
    const Symbol* btfStart = impl->symbols.byName("__start_BTF");
    const Symbol* btfStop = impl->symbols.byName("__stop_BTF");
    if (!btfStart || !btfStop || btfStop->address <= btfStart->address)
        return fail(Errc::Unsupported,
                    release + " has no BTF in memory (built without CONFIG_DEBUG_INFO_BTF), and "
                              "struct layouts need it or the vmlinux: give --vmlinux FILE");
    auto btf = impl->image->read(btfStart->address, btfStop->address - btfStart->address);
    if (!btf)
        return fail(Errc::NotInDump, "the dump lacks the kernel's BTF (" +
                                         std::to_string(btfStop->address - btfStart->address) +
                                         " bytes at __start_BTF); give --vmlinux FILE");
    impl->btfLayouts.emplace(*btf, impl->dwarfLayouts);
    if (!impl->btfLayouts->types())
        return fail(Errc::Corrupt, "the kernel's BTF in the dump's memory does not parse; give "
                                   "--vmlinux FILE");

    if (const Symbol* banner = impl->symbols.byName("linux_banner"))
        if (auto text = memory.readCString(banner->address + *slide, 1024)) impl->banner = *text;
    impl->release = releaseOf(impl->banner);
    if (impl->release.empty()) impl->release = vmcoreinfo.osrelease().value_or("");
    impl->buildId = vmcoreinfo.buildId().value_or("");
    return std::unique_ptr<Vmlinux>(new Vmlinux(std::move(impl)));
}

Vmlinux::Vmlinux(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Vmlinux::~Vmlinux() = default;

const std::string& Vmlinux::path() const {
    return impl_->path;
}
const SymbolTable& Vmlinux::symbols() const {
    return impl_->symbols;
}
const Layouts& Vmlinux::layouts() const {
    return impl_->layouts();
}

const BtfTypes* Vmlinux::btf() const {
    return impl_->btfLayouts ? impl_->btfLayouts->types() : nullptr;
}

DwarfHandle* Vmlinux::dwarf() const {
    return impl_->dwarf.get();
}
const std::string& Vmlinux::banner() const {
    return impl_->banner;
}
const std::string& Vmlinux::release() const {
    return impl_->release;
}
const std::string& Vmlinux::buildId() const {
    return impl_->buildId;
}
bool Vmlinux::hasDwarf() const {
    return impl_->dwarf != nullptr;
}
bool Vmlinux::isDumpMemory() const {
    return impl_->image != nullptr;
}

std::optional<SourceLocation> Vmlinux::sourceLocation(uint64_t linkAddress) const {
    return impl_->lines.find(linkAddress);
}

std::optional<std::string_view> Vmlinux::readFileBytes(uint64_t linkAddress, size_t length) const {
    if (impl_->image) return impl_->image->read(linkAddress, length);
    auto bytes = impl_->elf->bytesFrom(linkAddress);
    if (!bytes || bytes->size() < length) return std::nullopt;
    return bytes->substr(0, length);
}

std::vector<InlinedCall> Vmlinux::inlineChain(uint64_t linkAddress) const {
    return impl_->lines.inlineChain(linkAddress);
}

std::optional<std::string> Vmlinux::debugInfoDamage() const {
    auto damage = impl_->lines.damage();
    return damage ? std::optional<std::string>(impl_->path + ": " + *damage) : std::nullopt;
}

std::optional<CfiRow> Vmlinux::callFrameRow(uint64_t linkAddress) const {
    if (!impl_->dwarf) return std::nullopt;
    return symbols::callFrameRow(*impl_->dwarf, linkAddress);
}

} // namespace panicscope::symbols
