#include "symbols/elf_file.h"

#include "util/file_magic.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace panicscope::symbols {

ElfFile::UniqueFd& ElfFile::UniqueFd::operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.release();
    }
    return *this;
}

ElfFile::UniqueFd::~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
}

namespace {

// The end of the last byte the headers point at: the program and section header tables and
// every section with contents. A file cut short (an interrupted copy) loses its section headers
// first, as linkers put them last. Sums that wrap are left to libelf's own checks.
uint64_t bytesNeeded(Elf* elf, const GElf_Ehdr& h) {
    uint64_t need = 0;
    auto extend = [&](uint64_t offset, uint64_t size) {
        uint64_t end = 0;
        if (!__builtin_add_overflow(offset, size, &end)) need = std::max(need, end);
    };
    if (h.e_phoff) extend(h.e_phoff, uint64_t(h.e_phnum) * h.e_phentsize);
    // e_shnum is 0 when the count lives in section 0's header (extended numbering): one entry.
    if (h.e_shoff) extend(h.e_shoff, uint64_t(std::max<uint16_t>(h.e_shnum, 1)) * h.e_shentsize);
    for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn; scn = elf_nextscn(elf, scn))
        if (GElf_Shdr shdr; gelf_getshdr(scn, &shdr) && shdr.sh_type != SHT_NOBITS)
            extend(shdr.sh_offset, shdr.sh_size);
    return need;
}

} // namespace

Result<ElfFile> ElfFile::open(const std::string& path) {
    auto ioError = [&](int error) {
        return fail(Errc::Io, "cannot open " + path + ": " + std::strerror(error));
    };
    ElfFile file;
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    file.fd_ = UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (file.fd_.get() < 0) return ioError(errno);
    struct stat st {};
    if (::fstat(file.fd_.get(), &st) != 0) return ioError(errno);
    // libelf would happily "read" a directory as an empty non-ELF file.
    if (S_ISDIR(st.st_mode)) return ioError(EISDIR);
    if (!S_ISREG(st.st_mode))
        return fail(Errc::Io,
                    "cannot open " + path + ": it is " + fileKindName(st.st_mode) + ", not a file");

    // Sets the libelf API version the process uses; idempotent and required before elf_begin.
    elf_version(EV_CURRENT);
    file.elf_.reset(elf_begin(file.fd_.get(), ELF_C_READ_MMAP, nullptr));
    if (!file.elf_) return fail(Errc::Io, "cannot open " + path + ": " + elf_errmsg(-1));
    if (file.isElf64()) {
        if (!gelf_getehdr(file.elf(), &file.header_)) return file;
        const uint64_t have = static_cast<uint64_t>(st.st_size);
        if (const uint64_t need = bytesNeeded(file.elf(), file.header_); need > have)
            return fail(Errc::Truncated, path + " is truncated: it needs " + std::to_string(need) +
                                             " bytes but the file has " + std::to_string(have) +
                                             " (copy it again)");
        file.readSections();
    }
    return file;
}

bool ElfFile::isElf64() const {
    return elf_kind(elf()) == ELF_K_ELF && gelf_getclass(elf()) == ELFCLASS64;
}

void ElfFile::readSections() {
    size_t count = 0;
    if (elf_getshdrnum(elf(), &count) != 0) return;
    sections_.resize(count);
    size_t namesIndex = 0;
    const bool haveNames = elf_getshdrstrndx(elf(), &namesIndex) == 0;
    for (Elf_Scn* scn = elf_nextscn(elf(), nullptr); scn; scn = elf_nextscn(elf(), scn)) {
        GElf_Shdr shdr;
        size_t index = elf_ndxscn(scn);
        if (!gelf_getshdr(scn, &shdr) || index >= count) continue;
        ElfSection& s = sections_[index];
        if (const char* name = haveNames ? elf_strptr(elf(), namesIndex, shdr.sh_name) : nullptr)
            s.name = name;
        s.address = shdr.sh_addr;
        s.size = shdr.sh_size;
        s.allocated = (shdr.sh_flags & SHF_ALLOC) != 0;
        s.executable = (shdr.sh_flags & SHF_EXECINSTR) != 0;
        switch (shdr.sh_type) {
        case SHT_PROGBITS:
            if (!s.allocated) break;
            // With ELF_C_READ_MMAP, byte data is a view into the mapping: no copy, no cost.
            if (Elf_Data* data = elf_getdata(scn, nullptr); data && data->d_buf)
                s.bytes = std::string_view(static_cast<const char*>(data->d_buf), data->d_size);
            break;
        case SHT_SYMTAB:
            symtab_ = scn;
            break;
        case SHT_SYMTAB_SHNDX:
            symtabIndices_ = scn;
            break;
        case SHT_NOTE:
            notes_.push_back(scn);
            break;
        }
    }
}

std::vector<Symbol> ElfFile::symbols() const {
    std::vector<Symbol> out;
    if (!symtab_ || !isElf64()) return out;
    GElf_Shdr shdr;
    Elf_Data* data = elf_getdata(symtab_, nullptr);
    if (!gelf_getshdr(symtab_, &shdr) || !data || !data->d_buf || shdr.sh_entsize == 0) return out;
    Elf_Scn* strtab = elf_getscn(elf(), shdr.sh_link);
    Elf_Data* strings = strtab ? elf_getdata(strtab, nullptr) : nullptr;
    if (!strings || !strings->d_buf) return out;
    // libelf hands out the section in memory order (a view into the mapping for a native file):
    // reading the arrays directly costs a fraction of gelf_getsymshndx() and elf_strptr() (which
    // checks each name's terminator anew) per symbol.
    const auto* syms = static_cast<const Elf64_Sym*>(data->d_buf);
    const size_t count = data->d_size / sizeof(Elf64_Sym);
    Elf_Data* indexData = symtabIndices_ ? elf_getdata(symtabIndices_, nullptr) : nullptr;
    const auto* indices = indexData ? static_cast<const Elf32_Word*>(indexData->d_buf) : nullptr;
    const size_t indexCount = indexData ? indexData->d_size / sizeof(Elf32_Word) : 0;
    const char* names = static_cast<const char*>(strings->d_buf);
    const size_t namesSize = strings->d_size;
    out.reserve(count);
    for (size_t i = 1; i < count; ++i) {
        const Elf64_Sym& sym = syms[i];
        const int type = ELF64_ST_TYPE(sym.st_info);
        if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE) continue;
        size_t section = sym.st_shndx;
        if (section == SHN_XINDEX) section = i < indexCount ? indices[i] : SHN_UNDEF;
        if (section == SHN_UNDEF || section == SHN_ABS || section == SHN_COMMON) continue;
        if (section >= sections_.size() || sym.st_value == 0 || sym.st_name >= namesSize) continue;
        const char* name = names + sym.st_name;
        const size_t length = strnlen(name, namesSize - sym.st_name);
        if (length == 0 || length == namesSize - sym.st_name) continue; // empty, or unterminated
        const bool codeLabel = type == STT_NOTYPE && sections_[section].executable;
        const ElfSection& in = sections_[section];
        out.push_back(
            Symbol{std::string_view(name, length), sym.st_value, sym.st_size,
                   type == STT_FUNC || codeLabel,
                   in.size > UINT64_MAX - in.address ? UINT64_MAX : in.address + in.size});
    }
    return out;
}

std::string ElfFile::buildId() const {
    static constexpr char digits[] = "0123456789abcdef";
    for (Elf_Scn* scn : notes_) {
        Elf_Data* data = elf_getdata(scn, nullptr);
        if (!data) continue;
        GElf_Nhdr note;
        size_t nameOffset = 0, descOffset = 0;
        for (size_t offset = 0;
             (offset = gelf_getnote(data, offset, &note, &nameOffset, &descOffset)) > 0;) {
            const char* base = static_cast<const char*>(data->d_buf);
            if (note.n_type != NT_GNU_BUILD_ID || note.n_namesz != 4 ||
                std::memcmp(base + nameOffset, "GNU", 4) != 0)
                continue;
            std::string hex;
            for (size_t i = 0; i < note.n_descsz; ++i) {
                auto byte = static_cast<unsigned char>(base[descOffset + i]);
                hex += digits[byte >> 4];
                hex += digits[byte & 0xf];
            }
            return hex;
        }
    }
    return {};
}

std::optional<std::string_view> ElfFile::bytesFrom(uint64_t address) const {
    for (const ElfSection& s : sections_) {
        if (!s.allocated || s.bytes.empty()) continue;
        if (address >= s.address && address - s.address < s.bytes.size())
            return s.bytes.substr(address - s.address);
    }
    return std::nullopt;
}

std::optional<std::string_view> ElfFile::sectionBytes(std::string_view name) const {
    for (const ElfSection& s : sections_)
        if (s.name == name && !s.bytes.empty()) return s.bytes;
    return std::nullopt;
}

} // namespace panicscope::symbols
