// One opened crash dump (a file, or the parts of a split set), read through libkdumpfile: its
// memory, VMCOREINFO and the registers each CPU's NT_PRSTATUS note saved.
#pragma once

#include "arch/x86_64_registers.h"
#include "dump/file_inspection.h"
#include "dump/memory.h"
#include "dump/page_cache.h"
#include "dump/page_guard.h"
#include "dump/page_table_translation.h"
#include "dump/vmcoreinfo.h"
#include "util/result.h"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct _kdump_ctx;
struct _addrxlat_ctx;
struct _addrxlat_cb;

namespace panicscope::dump {

struct CpuState {
    unsigned cpu = 0;
    // pr_pid of the CPU's NT_PRSTATUS. Real kdump: the pid running there. QEMU's
    // dump-guest-memory: the vCPU index + 1, not a pid at all.
    std::optional<uint64_t> prstatusPid;
    arch::X86Registers regs;
};

class DumpFile final : public Memory {
  public:
    // `paths`: one dump file, or every part of a makedumpfile --split set.
    static Result<std::unique_ptr<DumpFile>> open(const std::vector<std::string>& paths);
    ~DumpFile() override;
    DumpFile(const DumpFile&) = delete;
    DumpFile& operator=(const DumpFile&) = delete;

    const std::string& path() const { return paths_.front(); }
    const std::vector<std::string>& paths() const { return paths_; }
    const DumpFileFacts& facts() const { return facts_; }
    const Vmcoreinfo& vmcoreinfo() const { return vmcoreinfo_; }
    const std::vector<CpuState>& cpus() const { return cpus_; }
    // Problems that leave the dump usable but incomplete (a truncated file), one line each.
    const std::vector<std::string>& warnings() const { return warnings_; }
    // What libkdumpfile found of the kernel's utsname ("linux.uts.*"), if anything.
    std::optional<std::string> utsField(const std::string& field) const;

    Result<void> read(uint64_t address, std::span<std::byte> out,
                      AddressSpace space = AddressSpace::KernelVirtual) const override;

    struct GuardHook; // what libkdumpfile's page callback gets (dump_file.cpp)

  private:
    DumpFile() = default;
    Result<void> openWithLibkdumpfile();
    // Reads whole kernel-virtual pages through pageCache_; false when one of them fails.
    bool readCached(uint64_t address, std::span<std::byte> out) const;
    // One kernel-virtual page (through pageTables_ when set); false when it fails.
    bool readVirtualPage(uint64_t page, std::byte* out) const;
    // Kernel-virtual bytes through pageTables_, page by page, failing with the first bad byte.
    Result<void> readThroughPageTables(uint64_t address, std::span<std::byte> out) const;
    Result<void> readError(uint64_t address, AddressSpace space, int status) const;
    // Routes libkdumpfile's page-table reads through guard_ (see page_guard.h).
    Result<void> installPageGuard();
    // guard_'s verdict on the pages under [address, address + size) in `space`; ok when a
    // virtual page has no translation (the read then fails with libkdumpfile's reason).
    Result<void> checkPages(uint64_t address, uint64_t size, AddressSpace space) const;
    void loadCpus();

    std::vector<std::string> paths_;
    std::vector<int> fds_;
    DumpFileFacts facts_;
    Vmcoreinfo vmcoreinfo_;
    std::vector<CpuState> cpus_;
    std::vector<std::string> warnings_;
    std::string readFailureHint_; // why a read may fail: truncation, a missing split part
    _kdump_ctx* ctx_ = nullptr;
    // ELF dumps with virtual PT_LOADs: kernel-virtual reads go to the physical address the page
    // tables give (see page_table_translation.h for the libkdumpfile bug this avoids).
    std::optional<PageTableTranslation> pageTables_;
    std::unique_ptr<PageGuard> guard_;
    _addrxlat_ctx* xlatCtx_ = nullptr; // a reference of ours, for the guard's callback
    _addrxlat_cb* guardCallback_ = nullptr;
    std::unique_ptr<GuardHook> guardHook_; // what the callback gets
    // libkdumpfile contexts are not thread-safe; reads are serialised here.
    mutable std::mutex readLock_;
    mutable PageCache pageCache_; // guarded by readLock_
};

} // namespace panicscope::dump
