// The entry-call table's bytes in the index cache: a version, the rows, the untracked calls.
#include "unwind/entry_call_table.h"

#include "util/byte_codec.h"

namespace panicscope::unwind {

namespace {
constexpr uint32_t kFormat = 1;
constexpr uint32_t kMaxRows = 1u << 20; // far above any kernel's few hundred call sites
} // namespace

std::string EntryCallTable::encode() const {
    ByteWriter w;
    w.put<uint32_t>(kFormat);
    w.put<uint32_t>(static_cast<uint32_t>(rows_.size()));
    for (const EntryCall& r : rows_) {
        w.put<uint64_t>(r.returnAddress);
        w.put<int64_t>(r.ptRegsOffset);
        w.put<int64_t>(r.previousSpOffset);
        w.put<uint8_t>(static_cast<uint8_t>(r.kind));
        w.put<uint8_t>(r.fullRegs);
        w.putString(r.entrySymbol);
        w.putString(r.callee);
    }
    w.put<uint32_t>(static_cast<uint32_t>(problems_.size()));
    for (const EntryCallProblem& p : problems_) {
        w.put<uint64_t>(p.address);
        w.putString(p.function);
        w.putString(p.reason);
    }
    return std::move(w.bytes());
}

std::optional<EntryCallTable> EntryCallTable::decode(std::string_view bytes) {
    ByteReader r(bytes);
    auto format = r.get<uint32_t>();
    auto rowCount = r.get<uint32_t>();
    if (format != kFormat || !rowCount || *rowCount > kMaxRows) return std::nullopt;
    EntryCallTable table;
    for (uint32_t i = 0; i < *rowCount; ++i) {
        auto address = r.get<uint64_t>();
        auto regs = r.get<int64_t>();
        auto previousSp = r.get<int64_t>();
        auto kind = r.get<uint8_t>();
        auto full = r.get<uint8_t>();
        auto entry = r.getString();
        auto callee = r.getString();
        if (!callee || *kind > static_cast<uint8_t>(BoundaryKind::TaskTop)) return std::nullopt;
        if (!table.rows_.empty() && table.rows_.back().returnAddress >= *address)
            return std::nullopt; // find() needs them sorted and unique
        table.rows_.push_back({*address, *regs, *previousSp, static_cast<BoundaryKind>(*kind),
                               std::move(*entry), std::move(*callee), *full != 0});
    }
    auto problemCount = r.get<uint32_t>();
    if (!problemCount || *problemCount > kMaxRows) return std::nullopt;
    for (uint32_t i = 0; i < *problemCount; ++i) {
        auto address = r.get<uint64_t>();
        auto function = r.getString();
        auto reason = r.getString();
        if (!reason) return std::nullopt;
        table.problems_.push_back({*address, std::move(*function), std::move(*reason)});
    }
    if (!r.atEnd()) return std::nullopt;
    return table;
}

} // namespace panicscope::unwind
