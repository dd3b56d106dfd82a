// libkdumpfile 0.5.1's own wording, as the CLI printed it before (issue 14), and ours.
#include "dump/read_errors.h"

#include <gtest/gtest.h>

namespace panicscope::dump {
namespace {

TEST(ReadErrors, AnEmptyPageTableEntryIsSaidAsWhatToCheck) {
    EXPECT_EQ(explainLibraryError("Cannot get page I/O address: PDPT table not present: "
                                  "p4d[511] = 0x0"),
              "the kernel's page tables map nothing there (p4d[511] is 0x0): check the address; "
              "if the kernel must have it mapped, the dump's page tables are damaged");
}

TEST(ReadErrors, APageThatDoesNotDecompressIsADamagedPage) {
    EXPECT_EQ(explainLibraryError("Cannot get page I/O address: Cannot read 64-bit PTE at "
                                  "KVADDR:0xffffffffb340aff8: Decompresion failed: unknown "
                                  "compression method"),
              "cannot read the page table entry at 0xffffffffb340aff8: the page's compressed "
              "data is damaged (unknown compression method): that page of the dump file is "
              "corrupt or cut off; the rest still reads");
    EXPECT_EQ(explainLibraryError("Decompresion failed"),
              "the page's compressed data is damaged: that page of the dump file is corrupt or "
              "cut off; the rest still reads");
}

TEST(ReadErrors, WhatItDoesNotKnowStaysAsItIs) {
    EXPECT_EQ(explainLibraryError("Excluded page"), "Excluded page");
}

} // namespace
} // namespace panicscope::dump
