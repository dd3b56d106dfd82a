#include "dump/dump_file.h"

#include "dump/prstatus.h"
#include "dump/read_errors.h"
#include "util/hex.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <libkdumpfile/addrxlat.h>
#include <libkdumpfile/kdumpfile.h>
#include <unistd.h>

namespace panicscope::dump {
namespace {

std::optional<uint64_t> numberAttr(kdump_ctx_t* ctx, const std::string& key) {
    kdump_attr_t attr;
    if (kdump_get_attr(ctx, key.c_str(), &attr) != KDUMP_OK) return std::nullopt;
    if (attr.type == KDUMP_NUMBER) return attr.val.number;
    if (attr.type == KDUMP_ADDRESS) return attr.val.address;
    return std::nullopt;
}

// libkdumpfile's last error; it may have none to give (a NULL string).
std::string errorText(kdump_ctx_t* ctx) {
    const char* text = kdump_get_err(ctx);
    return text ? explainLibraryError(text) : "unknown error";
}

} // namespace

struct DumpFile::GuardHook {
    const PageGuard* guard;
    addrxlat_ctx_t* xlat; // where the error is told
};

namespace {

// The guard's check of each physical page libkdumpfile reads while translating an address.
addrxlat_status guardedGetPage(const addrxlat_cb_t* cb, addrxlat_buffer_t* buf) {
    const auto* hook = static_cast<const DumpFile::GuardHook*>(cb->priv);
    const auto as = buf->addr.as;
    if (as == ADDRXLAT_KPHYSADDR || as == ADDRXLAT_MACHPHYSADDR) {
        auto ok = hook->guard->checkPhysicalPage(buf->addr.addr & ~(PageCache::kPageSize - 1));
        if (!ok)
            return addrxlat_ctx_err(hook->xlat,
                                    ok.error().code == Errc::Corrupt ? ADDRXLAT_ERR_INVALID
                                                                     : ADDRXLAT_ERR_NODATA,
                                    "%s", ok.error().message.c_str());
    }
    return cb->next->get_page(cb->next, buf);
}

std::optional<std::string> stringAttr(kdump_ctx_t* ctx, const std::string& key) {
    kdump_attr_t attr;
    if (kdump_get_attr(ctx, key.c_str(), &attr) != KDUMP_OK || attr.type != KDUMP_STRING)
        return std::nullopt;
    return std::string(attr.val.string);
}

} // namespace

Result<std::unique_ptr<DumpFile>> DumpFile::open(const std::vector<std::string>& paths) {
    if (paths.empty()) return fail(Errc::Usage, "no dump file given");
    std::unique_ptr<DumpFile> dump(new DumpFile());
    dump->paths_ = paths;
    for (const auto& p : paths) {
        auto facts = inspectDumpFile(p);
        if (!facts) return tl::unexpected(facts.error());
        if (p == paths.front()) dump->facts_ = *facts;
        if (facts->noteDamage) dump->warnings_.push_back(*facts->noteDamage);
        if (facts->truncation) {
            dump->warnings_.push_back(*facts->truncation);
            dump->readFailureHint_ = kTruncatedFileHint;
        }
    }
    auto guard = PageGuard::open(paths, dump->facts_);
    if (!guard) return tl::unexpected(guard.error());
    dump->guard_ = std::move(*guard);
    if (paths.size() > 1)
        dump->facts_.description += ", split into " + std::to_string(paths.size());
    if (paths.size() == 1 && dump->facts_.splitPart)
        dump->warnings_.push_back(
            paths.front() + ": is one part of a makedumpfile --split set (page frames " +
            hex(dump->facts_.splitStart) + " to " + hex(dump->facts_.splitEnd) +
            "); give the other parts with --split FILE");
    if (paths.size() == 1 && dump->facts_.splitPart)
        dump->readFailureHint_ = "the page may be in another part of the split set";
    if (auto r = dump->openWithLibkdumpfile(); !r) return tl::unexpected(r.error());
    dump->loadCpus();
    return dump;
}

DumpFile::~DumpFile() {
    // The translation objects call back into the dump context when freed: they go first.
    pageTables_.reset();
    if (xlatCtx_) {
        if (guardCallback_) addrxlat_ctx_del_cb(xlatCtx_, guardCallback_);
        addrxlat_ctx_decref(xlatCtx_);
    }
    if (ctx_) {
#if KDUMPFILE_VERSION < KDUMPFILE_MKVER(0, 5, 2)
        // libkdumpfile 0.5.1 (Debian 12) frees a kdump-compressed file's attributes before its
        // cleanup hook writes to them (upstream issue #72, fixed in 0.5.2): valgrind shows it
        // on a bare open and free, and a process that opens dumps again and again (the GUI, a
        // test binary) crashes in kdump_free after some dozens. Such a context is left
        // allocated, its page cache emptied; scripts/lsan-suppressions.txt names the leak.
        if (facts_.format == DumpFormat::KdumpCompressed) {
            kdump_attr_t none;
            none.type = KDUMP_NUMBER;
            none.val.number = 0;
            kdump_set_attr(ctx_, "cache.size", &none);
        } else {
            kdump_free(ctx_);
        }
#else
        kdump_free(ctx_);
#endif
    }
    for (int fd : fds_)
        ::close(fd);
}

Result<void> DumpFile::openWithLibkdumpfile() {
    for (const auto& p : paths_) {
        int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return fail(Errc::Io, p + ": cannot open: " + std::strerror(errno));
        fds_.push_back(fd);
    }
    ctx_ = kdump_new();
    if (!ctx_) return fail(Errc::Io, "libkdumpfile: out of memory");
    // Without an OS type libkdumpfile reads no VMCOREINFO symbols and translates no virtual
    // address ("OS type is not set").
    kdump_set_string_attr(ctx_, KDUMP_ATTR_OSTYPE, "linux");
    // libkdumpfile maps the file in large pieces and would touch the pages past the end of a
    // truncated one (SIGBUS); read(2) there fills nothing and reads fail instead.
    if (facts_.truncation) {
        kdump_attr_t never;
        never.type = KDUMP_NUMBER;
        never.val.number = KDUMP_MMAP_NEVER;
        kdump_set_attr(ctx_, KDUMP_ATTR_FILE_MMAP_POLICY, &never);
    }
    if (kdump_open_fdset(ctx_, static_cast<unsigned>(fds_.size()), fds_.data()) != KDUMP_OK)
        return fail(Errc::Corrupt, path() + ": libkdumpfile cannot open it: " + errorText(ctx_));
    // QEMU's kdump-compressed files carry no architecture.
    if (!stringAttr(ctx_, KDUMP_ATTR_ARCH_NAME) &&
        kdump_set_string_attr(ctx_, KDUMP_ATTR_ARCH_NAME, "x86_64") != KDUMP_OK)
        return fail(Errc::Corrupt, path() + ": cannot set the architecture: " + errorText(ctx_));
    if (auto arch = stringAttr(ctx_, KDUMP_ATTR_ARCH_NAME); arch && *arch != "x86_64")
        return fail(Errc::Unsupported, path() + ": dump of a " + *arch +
                                           " machine; panicscope reads x86-64 dumps only");
    // After the architecture is known: asking for the translation context earlier sets up a
    // translation without one, and the first read then crashes inside libaddrxlat.
    if (auto r = installPageGuard(); !r) return r;
    char* raw = nullptr;
    if (kdump_vmcoreinfo_raw(ctx_, &raw) == KDUMP_OK && raw) {
        vmcoreinfo_ = Vmcoreinfo::parse(raw);
        std::free(raw);
    }
    kdump_clear_err(ctx_);
    if (facts_.virtualSegments) {
        if (auto tables = PageTableTranslation::create(ctx_))
            pageTables_.emplace(std::move(*tables));
    }
    return {};
}

Result<void> DumpFile::installPageGuard() {
    if (guard_->empty()) return {};
    // No translation (its own pages unreadable): every virtual read fails with libkdumpfile's
    // reason, and the pages it could not read were read safely (checkBufferSizes).
    if (kdump_get_addrxlat(ctx_, &xlatCtx_, nullptr) != KDUMP_OK || !xlatCtx_) {
        kdump_clear_err(ctx_);
        xlatCtx_ = nullptr;
        return {};
    }
    guardCallback_ = addrxlat_ctx_add_cb(xlatCtx_);
    if (!guardCallback_) return fail(Errc::Io, "libkdumpfile: out of memory");
    guardHook_ = std::make_unique<GuardHook>(GuardHook{guard_.get(), xlatCtx_});
    guardCallback_->priv = guardHook_.get();
    guardCallback_->get_page = guardedGetPage;
    return {};
}

Result<void> DumpFile::checkPages(uint64_t address, uint64_t size, AddressSpace space) const {
    constexpr uint64_t kPage = PageCache::kPageSize;
    if (guard_->empty() || size == 0) return {};
    addrxlat_sys_t* sys = nullptr;
    addrxlat_ctx_t* xlat = nullptr;
    if (space == AddressSpace::KernelVirtual &&
        (kdump_get_addrxlat(ctx_, &xlat, &sys) != KDUMP_OK || !sys))
        return {};
    Result<void> verdict;
    const uint64_t last = (address + (size - 1)) & ~(kPage - 1);
    for (uint64_t page = address & ~(kPage - 1);; page += kPage) {
        addrxlat_fulladdr_t at{page, ADDRXLAT_KVADDR};
        if (space == AddressSpace::Physical)
            at.as = ADDRXLAT_MACHPHYSADDR;
        else if (addrxlat_fulladdr_conv(&at, ADDRXLAT_MACHPHYSADDR, xlat, sys) != ADDRXLAT_OK)
            at.as = ADDRXLAT_NOADDR;
        if (at.as == ADDRXLAT_MACHPHYSADDR) verdict = guard_->checkPhysicalPage(at.addr);
        if (!verdict || page >= last) break;
    }
    if (xlat) {
        addrxlat_ctx_clear_err(xlat);
        addrxlat_ctx_decref(xlat);
    }
    if (sys) addrxlat_sys_decref(sys);
    return verdict;
}

void DumpFile::loadCpus() {
    // Each CPU's raw NT_PRSTATUS note, decoded here rather than through libkdumpfile's register
    // attributes: for a file whose architecture it learnt only after opening (QEMU's kdump
    // files) it has no notes, and then they are read from the file's own note area.
    const auto count = numberAttr(ctx_, KDUMP_ATTR_NUM_CPUS).value_or(0);
    for (unsigned cpu = 0; cpu < count; ++cpu) {
        kdump_attr_t attr;
        const std::string key = "cpu." + std::to_string(cpu) + ".PRSTATUS";
        if (kdump_get_attr(ctx_, key.c_str(), &attr) != KDUMP_OK || attr.type != KDUMP_BLOB) break;
        const size_t size = kdump_blob_size(attr.val.blob);
        const auto* data = static_cast<const std::byte*>(kdump_blob_pin(attr.val.blob));
        auto state = decodePrstatus(std::span(data, size), cpu);
        kdump_blob_unpin(attr.val.blob);
        if (state) cpus_.push_back(*state);
    }
    kdump_clear_err(ctx_);
    if (cpus_.empty() && facts_.format == DumpFormat::KdumpCompressed)
        cpus_ = readKdumpPrstatus(path());
}

std::optional<std::string> DumpFile::utsField(const std::string& field) const {
    std::lock_guard lock(readLock_);
    return stringAttr(ctx_, "linux.uts." + field);
}

bool DumpFile::readVirtualPage(uint64_t page, std::byte* out) const {
    constexpr uint64_t kPage = PageCache::kPageSize;
    size_t length = kPage;
    uint64_t at = page;
    auto space = KDUMP_KVADDR;
    if (pageTables_) {
        auto physical = pageTables_->toPhysical(page);
        if (!physical) return false;
        at = *physical, space = KDUMP_KPHYSADDR;
    }
    const auto checked =
        space == KDUMP_KPHYSADDR ? AddressSpace::Physical : AddressSpace::KernelVirtual;
    if (!checkPages(at, kPage, checked) || kdump_read(ctx_, space, at, out, &length) != KDUMP_OK ||
        length != kPage) {
        kdump_clear_err(ctx_);
        return false;
    }
    return true;
}

bool DumpFile::readCached(uint64_t address, std::span<std::byte> out) const {
    constexpr uint64_t kPage = PageCache::kPageSize;
    for (size_t done = 0; done < out.size();) {
        const uint64_t at = address + done;
        const uint64_t page = at & ~(kPage - 1);
        const PageCache::Page* bytes = pageCache_.find(page);
        if (!bytes) {
            auto fresh = std::make_unique<PageCache::Page>();
            if (!readVirtualPage(page, fresh->data())) return false;
            bytes = fresh.get();
            pageCache_.insert(page, std::move(fresh));
        }
        const size_t n = std::min<size_t>(out.size() - done, page + kPage - at);
        std::memcpy(out.data() + done, bytes->data() + (at - page), n);
        done += n;
    }
    return true;
}

Result<void> DumpFile::readThroughPageTables(uint64_t address, std::span<std::byte> out) const {
    constexpr uint64_t kPage = PageCache::kPageSize;
    for (size_t done = 0; done < out.size();) {
        const uint64_t at = address + done;
        const size_t n = std::min<size_t>(out.size() - done, kPage - (at & (kPage - 1)));
        auto physical = pageTables_->toPhysical(at);
        if (!physical) {
            Error e = physical.error();
            if (!readFailureHint_.empty()) e.message += " (" + readFailureHint_ + ")";
            return tl::unexpected(e);
        }
        if (auto ok = checkPages(*physical, n, AddressSpace::Physical); !ok)
            return fail(ok.error().code, "address " + hex(at) + ": " + ok.error().message);
        size_t length = n;
        const kdump_status status =
            kdump_read(ctx_, KDUMP_KPHYSADDR, *physical, out.data() + done, &length);
        if (status != KDUMP_OK) return readError(at + length, AddressSpace::KernelVirtual, status);
        done += n;
    }
    return {};
}

Result<void> DumpFile::read(uint64_t address, std::span<std::byte> out, AddressSpace space) const {
    std::lock_guard lock(readLock_);
    // Whole pages through the cache; what fails there is read again as asked, for its own error.
    if (space == AddressSpace::KernelVirtual && address + out.size() >= address &&
        readCached(address, out))
        return {};
    if (address + out.size() < address)
        return fail(Errc::BadAddress, "address " + hex(address) + " + " +
                                          std::to_string(out.size()) + " bytes wraps around");
    if (space == AddressSpace::KernelVirtual && pageTables_)
        return readThroughPageTables(address, out);
    const std::string kind = space == AddressSpace::Physical ? "physical address " : "address ";
    if (auto ok = checkPages(address, out.size(), space); !ok)
        return fail(ok.error().code, kind + hex(address) + ": " + ok.error().message);
    size_t length = out.size();
    const auto as = space == AddressSpace::Physical ? KDUMP_KPHYSADDR : KDUMP_KVADDR;
    const kdump_status status = kdump_read(ctx_, as, address, out.data(), &length);
    if (status == KDUMP_OK) return {};
    // Name the first byte that failed, not the start of the request.
    return readError(address + length, space, status);
}

// The error of a failed kdump_read at `address`, with libkdumpfile's reason.
Result<void> DumpFile::readError(uint64_t address, AddressSpace space, int status) const {
    const std::string where =
        (space == AddressSpace::Physical ? "physical address " : "address ") + hex(address);
    std::string detail = errorText(ctx_);
    kdump_clear_err(ctx_);
    if (!readFailureHint_.empty()) detail += " (" + readFailureHint_ + ")";
    switch (status) {
    case KDUMP_ERR_NODATA:
        return fail(Errc::NotInDump,
                    where + (readFailureHint_.empty()
                                 ? " is not in the dump (page filtered out or not captured)"
                                 : " is not in the dump (" + detail + ")"));
    case KDUMP_ERR_ADDRXLAT:
        return fail(Errc::BadAddress, where + " has no mapping in the dump: " + detail);
    case KDUMP_ERR_EOF:
        return fail(Errc::Truncated, where + ": dump file ends early: " + detail);
    default:
        return fail(Errc::Corrupt, where + ": cannot read: " + detail);
    }
}

} // namespace panicscope::dump
