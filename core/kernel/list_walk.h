// Following a kernel list_head ring through dump memory: the one walk the task and module lists
// share, bounded and with loop detection, so a corrupt list ends with a reason instead of a hang.
#pragma once

#include "dump/memory.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace panicscope::kernel {

// Why a walk stopped before it came back to the head.
struct ListProblem {
    enum class Kind {
        Unreadable, // `address` is a node whose next pointer cannot be read (`reason` says why)
        Loop,       // `address` is a node reached a second time without passing the head
        TooLong,    // more than maxEntries entries: `address` is the node past the last one kept
    };
    Kind kind = Kind::Unreadable;
    uint64_t address = 0;
    std::string reason; // Unreadable: the read error's message; TooLong: "more than N entries"
};

struct ListWalk {
    std::vector<uint64_t> entries;      // the containing objects (node - memberOffset), in order
    std::optional<ListProblem> problem; // nullopt: the ring closed at the head
};

// Follows `next` pointers from the list head at `head` (the head itself is no entry) until one
// leads back to it. Each node is the list_head member at `memberOffset` in its container. At
// most `maxEntries` entries are returned. A next pointer is followed unchecked, as the task and
// module walks always did: a NULL one gives an entry at -memberOffset, then Unreadable at 0;
// with `nullEnds` a NULL next pointer ends the walk instead (crash's `list` on a NULL-terminated
// chain).
ListWalk walkList(const dump::Memory& memory, uint64_t head, uint64_t memberOffset,
                  size_t maxEntries, bool nullEnds = false);

// "<what> list at 0x...: <reason>", "<what> list loops at 0x..." (the task and module warnings'
// wording) or "<what> list has more than <n> entries".
std::string describeListProblem(std::string_view what, const ListProblem& problem);

} // namespace panicscope::kernel
