// `triage --group`: the records of a batch (fresh, or read back from JSON lines) in buckets by
// signature -- how many dumps, the title, the first and last dump by crash time, an example --
// so that a thousand dumps read as the handful of bugs they are.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace panicscope::report {

// One dump of a group: its path and crash time ("2026-12-02T03:15:01Z", or none).
struct GroupMember {
    std::string path;
    std::optional<std::string> crashTime;
};

struct TriageGroup {
    std::optional<std::string> signature; // the hash; none for the bucket of failed inputs
    std::string kind, title;              // empty for the failed inputs
    size_t count = 0;
    GroupMember first, last; // by crash time; dumps without one after those with one, by path
    std::string example;     // the earliest dump whose report is whole (not corrupted, no warnings)
};

// Buckets `records` (triage --json records, error records included) by signature hash, the
// largest first (then by first crash time, then title); the failed inputs are one bucket, last.
std::vector<TriageGroup> groupTriageRecords(const std::vector<nlohmann::ordered_json>& records);

nlohmann::ordered_json triageGroupJson(const TriageGroup& group);
void printTriageGroups(std::ostream& out, const std::vector<TriageGroup>& groups);

} // namespace panicscope::report
