#include "symbols/module_debug_info.h"

#include "symbols/dwarf_handle.h"
#include "symbols/source_lines.h"
#include "util/hex.h"

#include <elfutils/libdwfl.h>
#include <gelf.h>

#include <algorithm>
#include <filesystem>

namespace panicscope::symbols {

namespace {

// The .ko must carry its own DWARF: no search for separate debuginfo files.
int noSeparateDebuginfo(Dwfl_Module*, void**, const char*, Dwarf_Addr, const char*, const char*,
                        GElf_Word, char**) {
    return -1;
}

// Offline: libdwfl lays out the .ko's sections itself and relocates the DWARF against them.
const Dwfl_Callbacks kCallbacks = {
    .find_elf = nullptr,
    .find_debuginfo = noSeparateDebuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = nullptr,
};

struct DwflEnd {
    void operator()(Dwfl* dwfl) const { dwfl_end(dwfl); }
};

struct KoFunction {
    uint64_t address = 0; // in libdwfl's layout of the file
    uint64_t size = 0;
};

std::string dwflError() {
    const char* message = dwfl_errmsg(-1);
    return message ? message : "unknown libdwfl error";
}

// The bytes of a section that has some in the file (not SHT_NOBITS, as in a debug-only .ko).
std::string_view sectionBytes(Elf_Scn* scn, const GElf_Shdr& header) {
    if (header.sh_type == SHT_NOBITS) return {};
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data || !data->d_buf) return {};
    return {static_cast<const char*>(data->d_buf), data->d_size};
}

} // namespace

struct ModuleDebugInfo::Impl {
    // Members are destroyed in reverse order: the line cache and the handle (which only borrows
    // libdwfl's Dwarf) before the Dwfl that owns the DWARF and the file.
    std::string path;
    std::unique_ptr<Dwfl, DwflEnd> dwfl;
    Dwarf_Addr bias = 0; // DWARF address + bias = libdwfl address
    std::unique_ptr<DwarfHandle> dwarf;
    std::unique_ptr<SourceLines> lines;
    std::unordered_multimap<std::string, KoFunction> functions;
    std::string modinfoName, vermagicRelease;
    std::string thisModule; // the bytes of .gnu.linkonce.this_module
};

ModuleDebugInfo::ModuleDebugInfo(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ModuleDebugInfo::~ModuleDebugInfo() = default;

Result<std::unique_ptr<ModuleDebugInfo>> ModuleDebugInfo::open(const std::string& path) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->dwfl.reset(dwfl_begin(&kCallbacks));
    if (!impl->dwfl) return fail(Errc::Io, path + ": " + dwflError());
    dwfl_report_begin(impl->dwfl.get());
    const std::string name = std::filesystem::path(path).filename().string();
    Dwfl_Module* module = dwfl_report_offline(impl->dwfl.get(), name.c_str(), path.c_str(), -1);
    if (!module) return fail(Errc::Io, path + ": " + dwflError());
    if (dwfl_report_end(impl->dwfl.get(), nullptr, nullptr) != 0)
        return fail(Errc::Io, path + ": " + dwflError());

    GElf_Addr elfBias = 0;
    Elf* elf = dwfl_module_getelf(module, &elfBias);
    GElf_Ehdr header;
    if (!elf || !gelf_getehdr(elf, &header) || header.e_type != ET_REL ||
        header.e_machine != EM_X86_64)
        return fail(Errc::Io, path + " is not an x86-64 kernel module (.ko)");

    // Section contents first: relocating the DWARF does not touch .modinfo or this_module.
    size_t names = 0;
    if (elf_getshdrstrndx(elf, &names) == 0)
        for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn; scn = elf_nextscn(elf, scn)) {
            GElf_Shdr section;
            if (!gelf_getshdr(scn, &section)) continue;
            const char* sectionName = elf_strptr(elf, names, section.sh_name);
            if (!sectionName) continue;
            const std::string_view bytes = sectionBytes(scn, section);
            if (std::string_view(sectionName) == ".gnu.linkonce.this_module") {
                impl->thisModule = std::string(bytes);
            } else if (std::string_view(sectionName) == ".modinfo") {
                // "key=value" strings, each NUL-terminated (with NUL padding between some).
                for (size_t at = 0; at < bytes.size();) {
                    const size_t end = std::min(bytes.find('\0', at), bytes.size());
                    const std::string_view entry = bytes.substr(at, end - at);
                    if (entry.starts_with("name="))
                        impl->modinfoName = std::string(entry.substr(5));
                    else if (entry.starts_with("vermagic="))
                        impl->vermagicRelease = std::string(entry.substr(9, entry.find(' ') - 9));
                    at = end + 1;
                }
            }
        }

    const int symbols = dwfl_module_getsymtab(module);
    for (int i = 1; i < symbols; ++i) {
        GElf_Sym symbol;
        GElf_Addr address = 0;
        GElf_Word sectionIndex = 0;
        const char* symbolName =
            dwfl_module_getsym_info(module, i, &symbol, &address, &sectionIndex, nullptr, nullptr);
        if (!symbolName || !*symbolName || GELF_ST_TYPE(symbol.st_info) != STT_FUNC ||
            sectionIndex == SHN_UNDEF)
            continue;
        impl->functions.emplace(symbolName, KoFunction{address, symbol.st_size});
    }

    Dwarf* dwarf = dwfl_module_getdwarf(module, &impl->bias);
    if (!dwarf) return fail(Errc::NoType, path + " has no debug info (" + dwflError() + ")");
    impl->dwarf = DwarfHandle::borrow(dwarf);
    impl->lines = std::make_unique<SourceLines>(impl->dwarf.get());
    return std::unique_ptr<ModuleDebugInfo>(new ModuleDebugInfo(std::move(impl)));
}

const std::string& ModuleDebugInfo::path() const {
    return impl_->path;
}

const std::string& ModuleDebugInfo::modinfoName() const {
    return impl_->modinfoName;
}

std::string ModuleDebugInfo::thisModuleName(uint64_t nameOffset) const {
    const std::string_view bytes = impl_->thisModule;
    if (nameOffset >= bytes.size()) return {};
    const std::string_view rest = bytes.substr(nameOffset);
    const size_t end = rest.find('\0');
    if (end == std::string_view::npos) return {}; // no terminated name: not a struct module
    return std::string(rest.substr(0, end));
}

const std::string& ModuleDebugInfo::vermagicRelease() const {
    return impl_->vermagicRelease;
}

std::vector<uint64_t> ModuleDebugInfo::functionSizes(std::string_view name) const {
    std::vector<uint64_t> sizes;
    auto [first, last] = impl_->functions.equal_range(std::string(name));
    for (auto it = first; it != last; ++it)
        sizes.push_back(it->second.size);
    return sizes;
}

std::optional<uint64_t> ModuleDebugInfo::dwarfAddress(std::string_view function,
                                                      uint64_t offset) const {
    auto [first, last] = impl_->functions.equal_range(std::string(function));
    if (first == last || std::next(first) != last) return std::nullopt; // absent or ambiguous
    const KoFunction& f = first->second;
    if ((f.size != 0 && offset >= f.size) || f.address + offset < impl_->bias) return std::nullopt;
    return f.address + offset - impl_->bias;
}

std::optional<SourceLocation> ModuleDebugInfo::sourceLocation(std::string_view function,
                                                              uint64_t offset) const {
    auto address = dwarfAddress(function, offset);
    return address ? impl_->lines->find(*address) : std::nullopt;
}

std::vector<InlinedCall> ModuleDebugInfo::inlineChain(std::string_view function,
                                                      uint64_t offset) const {
    auto address = dwarfAddress(function, offset);
    return address ? impl_->lines->inlineChain(*address) : std::vector<InlinedCall>{};
}

std::optional<std::string> moduleBuildMismatch(const ModuleDebugInfo& file, std::string_view name,
                                               uint64_t nameOffset, std::string_view release,
                                               const SymbolTable& loaded) {
    std::string fileName = file.modinfoName();
    if (fileName.empty()) fileName = file.thisModuleName(nameOffset);
    if (!fileName.empty() && canonicalModuleName(fileName) != canonicalModuleName(name))
        return "it is module " + fileName;
    if (!file.vermagicRelease().empty() && file.vermagicRelease() != release)
        return "it is built for " + file.vermagicRelease() + ", the dump is " +
               std::string(release);
    size_t compared = 0;
    for (const Symbol& s : loaded.all()) {
        if (!s.isFunction || s.size == 0) continue;
        const auto sizes = file.functionSizes(s.name);
        if (sizes.empty()) return std::string(s.name) + " is in the dump, not in the file";
        if (std::find(sizes.begin(), sizes.end(), s.size) == sizes.end())
            return std::string(s.name) + " is " + hex(s.size) + " bytes in the dump, " +
                   hex(sizes.front()) + " in the file";
        ++compared;
    }
    if (fileName.empty() && compared == 0)
        return "it names no module and has none of the dump's functions to compare";
    return std::nullopt;
}

std::string canonicalModuleName(std::string_view name) {
    std::string out(name);
    std::replace(out.begin(), out.end(), '-', '_');
    return out;
}

std::unordered_map<std::string, std::string> findModuleFiles(const std::vector<std::string>& dirs,
                                                             std::vector<std::string>& warnings) {
    namespace fs = std::filesystem;
    std::unordered_map<std::string, std::string> found;
    for (const auto& dir : dirs) {
        std::error_code ec;
        // Not there: model::Session says so once when it opens, for every verb.
        if (!fs::is_directory(dir, ec)) continue;
        // Directory symlinks are not followed: /lib/modules/RELEASE/build leads into a whole
        // kernel tree, and links can loop.
        fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
        for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            const fs::path& path = it->path();
            std::error_code fileError;
            if (path.extension() != ".ko" || !it->is_regular_file(fileError)) continue;
            found.try_emplace(canonicalModuleName(path.stem().string()), path.string());
        }
        if (ec) warnings.push_back("module directory " + dir + ": " + ec.message());
    }
    return found;
}

} // namespace panicscope::symbols
