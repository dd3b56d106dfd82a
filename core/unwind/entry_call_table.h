// The entry-call table: every call site in the kernel's entry code, each with where the pt_regs
// the entry code saved lies relative to the stack pointer at that call. Built offline from the
// vmlinux with Capstone; on an ORC kernel every row is cross-checked against ORC.
#pragma once

#include "symbols/vmlinux.h"
#include "unwind/entry_call.h"
#include "util/result.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace panicscope::unwind {

class EntryCallTable {
  public:
    // Decodes the entry text of the vmlinux (and ret_from_fork, rewind_stack_and_make_dead, the
    // alternatives that patch calls in) and scans the kernel text for IRQ-stack switches;
    // Errc::Unsupported when it has no entry text.
    static Result<EntryCallTable> build(const symbols::Vmlinux& vmlinux);
    // The same from the code as the running kernel had it (patched at boot: each alternative
    // either in or not), read by `code` at link-time addresses (a dump's memory), named by
    // `vmlinux`'s symbols: the calls the kernel could make, no alternative it did not choose.
    using CodeReader =
        std::function<std::optional<std::string_view>(uint64_t linkAddress, size_t length)>;
    static Result<EntryCallTable> buildFromRunningCode(const symbols::Vmlinux& vmlinux,
                                                       const CodeReader& code);
    static EntryCallTable fromRows(std::vector<EntryCall> rows);

    // The table as bytes for the index cache (util/index_cache.h), and back: nullopt for bytes
    // that are not a whole table of this format.
    std::string encode() const;
    static std::optional<EntryCallTable> decode(std::string_view bytes);

    // The row for a link-time return address, or nullptr.
    const EntryCall* find(uint64_t returnAddress) const;
    std::span<const EntryCall> rows() const { return rows_; }
    std::span<const EntryCallProblem> problems() const { return problems_; }

  private:
    static Result<EntryCallTable> buildFrom(const symbols::Vmlinux& vmlinux, const CodeReader& code,
                                            bool alternatives);
    std::vector<EntryCall> rows_; // sorted by returnAddress
    std::vector<EntryCallProblem> problems_;
};

} // namespace panicscope::unwind
