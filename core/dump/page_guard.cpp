#include "dump/page_guard.h"

#include "util/hex.h"

#include <algorithm>
#include <elf.h>

namespace panicscope::dump {
namespace {

constexpr uint64_t kPage = kKdumpPageSize;

// The PT_LOAD segments of a truncated ELF file that reach past its end.
std::vector<Elf64_Phdr> cutLoads(const RawFile& file) {
    Elf64_Ehdr eh;
    std::vector<Elf64_Phdr> out;
    if (!file.readAt(0, &eh, sizeof eh)) return out;
    std::vector<Elf64_Phdr> phdrs(eh.e_phnum);
    if (!file.readAt(eh.e_phoff, phdrs.data(), phdrs.size() * sizeof(Elf64_Phdr))) return out;
    for (const auto& ph : phdrs)
        if (ph.p_type == PT_LOAD && ph.p_offset + ph.p_filesz > file.size()) out.push_back(ph);
    return out;
}

} // namespace

Result<std::unique_ptr<PageGuard>> PageGuard::open(const std::vector<std::string>& paths,
                                                   const DumpFileFacts& facts) {
    auto guard = std::make_unique<PageGuard>();
    for (const auto& path : paths) {
        auto file = RawFile::open(path);
        if (!file) return tl::unexpected(file.error());
        if (facts.format == DumpFormat::Elf) {
            if (!facts.truncation) continue;
            for (const auto& ph : cutLoads(*file))
                guard->cutSegments_.push_back({ph.p_paddr, ph.p_offset, ph.p_filesz});
            guard->elfFileSize_ = file->size();
            continue;
        }
        auto layout = readKdumpLayout(*file, path);
        if (!layout) return tl::unexpected(layout.error());
        auto index = KdumpPageIndex::build(*file, *layout, path);
        if (!index) return tl::unexpected(index.error());
        if (auto r = index->checkBufferSizes(*file, path); !r) return tl::unexpected(r.error());
        guard->parts_.push_back({path, std::move(*file), std::move(*index)});
    }
    return guard;
}

Result<void> PageGuard::checkPhysicalPage(uint64_t pageAddress) const {
    const uint64_t pfn = pageAddress / kPage;
    for (const auto& part : parts_) // one part has the frame's descriptor (or none has)
        if (const auto at = part.index.descriptorOffset(part.file, pfn))
            return part.index.checkDescriptor(part.file, pfn, *at);
    for (const auto& s : cutSegments_) {
        // The page's bytes in the segment, [0, end) relative to its start; no sum may wrap.
        uint64_t end = 0;
        if (pageAddress >= s.paddr) {
            const uint64_t from = pageAddress - s.paddr;
            if (from >= s.filesz) continue;
            end = from + std::min(s.filesz - from, kPage);
        } else {
            if (s.paddr - pageAddress >= kPage) continue;
            end = std::min(s.filesz, kPage - (s.paddr - pageAddress));
        }
        if (s.offset > elfFileSize_ || end > elfFileSize_ - s.offset)
            return fail(Errc::NotInDump,
                        "physical page " + hex(pageAddress) + " lies past the end of the file");
    }
    return {};
}

} // namespace panicscope::dump
