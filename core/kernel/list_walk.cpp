#include "kernel/list_walk.h"

#include "util/hex.h"

#include <unordered_set>

namespace panicscope::kernel {

ListWalk walkList(const dump::Memory& memory, uint64_t head, uint64_t memberOffset,
                  size_t maxEntries, bool nullEnds) {
    ListWalk walk;
    std::unordered_set<uint64_t> visited;
    uint64_t node = head;
    for (;;) {
        auto next = memory.readU64(node);
        if (!next) {
            walk.problem = ListProblem{ListProblem::Kind::Unreadable, node, next.error().message};
            return walk;
        }
        if (*next == head || (nullEnds && *next == 0)) return walk;
        if (!visited.insert(*next).second) {
            walk.problem = ListProblem{ListProblem::Kind::Loop, *next, {}};
            return walk;
        }
        if (walk.entries.size() == maxEntries) {
            walk.problem = ListProblem{ListProblem::Kind::TooLong, *next,
                                       "more than " + std::to_string(maxEntries) + " entries"};
            return walk;
        }
        walk.entries.push_back(*next - memberOffset);
        node = *next;
    }
}

std::string describeListProblem(std::string_view what, const ListProblem& problem) {
    const std::string list = std::string(what) + " list ";
    switch (problem.kind) {
    case ListProblem::Kind::Unreadable:
        return list + "at " + hex(problem.address) + ": " + problem.reason;
    case ListProblem::Kind::Loop:
        return list + "loops at " + hex(problem.address);
    case ListProblem::Kind::TooLong:
        break;
    }
    return list + "has " + problem.reason;
}

} // namespace panicscope::kernel
