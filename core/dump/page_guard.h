// Checks a physical page before libkdumpfile reads it, for what libkdumpfile itself does not
// check: a kdump page descriptor that would overflow its page buffer (0.5.1) or point outside
// the file, an ELF segment's page whose bytes lie past the end of a truncated file. DumpFile
// consults it for every page it reads and for every page-table page libkdumpfile reads while
// translating an address (through an address-translation callback).
#pragma once

#include "dump/file_inspection.h"
#include "dump/kdump_layout.h"
#include "dump/raw_file.h"
#include "util/result.h"

#include <memory>
#include <string>
#include <vector>

namespace panicscope::dump {

class PageGuard {
  public:
    // Reads what it needs from the files' headers (inspectDumpFile has checked them).
    static Result<std::unique_ptr<PageGuard>> open(const std::vector<std::string>& paths,
                                                   const DumpFileFacts& facts);
    // True when no page can fail a check (a whole ELF file).
    bool empty() const { return parts_.empty() && cutSegments_.empty(); }
    // Errc::Corrupt (a damaged descriptor) or Errc::NotInDump (data past the end of the file)
    // for a page at a page-aligned physical address; ok for every other page.
    Result<void> checkPhysicalPage(uint64_t pageAddress) const;

  private:
    struct KdumpPart {
        std::string path;
        RawFile file;
        KdumpPageIndex index;
    };
    struct Segment { // an ELF PT_LOAD whose file bytes run past the end of the file
        uint64_t paddr, offset, filesz;
    };
    std::vector<KdumpPart> parts_;
    std::vector<Segment> cutSegments_;
    uint64_t elfFileSize_ = 0;
};

} // namespace panicscope::dump
