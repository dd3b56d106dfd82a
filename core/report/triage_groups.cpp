#include "report/triage_groups.h"

#include "triage/crash_report.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace panicscope::report {

using nlohmann::ordered_json;

namespace {

std::string stringAt(const ordered_json& record, const char* key) {
    auto it = record.find(key);
    return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<std::string> hashOf(const ordered_json& record) {
    if (record.contains("error")) return std::nullopt;
    auto signature = record.find("signature");
    if (signature == record.end() || !signature->is_object()) return std::nullopt;
    const std::string hash = stringAt(*signature, "hash");
    return hash.empty() ? std::nullopt : std::optional(hash);
}

GroupMember memberOf(const ordered_json& record) {
    GroupMember m{stringAt(record, "path"), std::nullopt};
    if (std::string time = stringAt(record, "crash_time"); !time.empty()) m.crashTime = time;
    return m;
}

// Time order: dumps with a crash time first, by it, then the rest; ties by path.
bool earlier(const GroupMember& a, const GroupMember& b) {
    return std::make_tuple(!a.crashTime, a.crashTime.value_or(""), a.path) <
           std::make_tuple(!b.crashTime, b.crashTime.value_or(""), b.path);
}

bool whole(const ordered_json& record) {
    auto corrupted = record.find("corrupted");
    auto warnings = record.find("warnings");
    return !(corrupted != record.end() && corrupted->is_boolean() && corrupted->get<bool>()) &&
           !(warnings != record.end() && warnings->is_array() && !warnings->empty());
}

TriageGroup makeGroup(std::vector<const ordered_json*> members) {
    std::sort(members.begin(), members.end(), [](const ordered_json* a, const ordered_json* b) {
        return earlier(memberOf(*a), memberOf(*b));
    });
    TriageGroup g;
    const ordered_json& head = *members.front();
    g.signature = hashOf(head);
    if (g.signature) {
        g.kind = stringAt(head, "kind");
        g.title = stringAt(head, "title");
    }
    g.count = members.size();
    g.first = memberOf(*members.front());
    g.last = memberOf(*members.back());
    auto example = std::find_if(members.begin(), members.end(),
                                [](const ordered_json* r) { return whole(*r); });
    g.example = stringAt(**(example != members.end() ? example : members.begin()), "path");
    return g;
}

ordered_json memberJson(const GroupMember& m) {
    return {{"path", m.path}, {"crash_time", m.crashTime ? ordered_json(*m.crashTime) : nullptr}};
}

} // namespace

std::vector<TriageGroup> groupTriageRecords(const std::vector<ordered_json>& records) {
    std::map<std::string, std::vector<const ordered_json*>> bySignature;
    std::vector<const ordered_json*> failed;
    for (const auto& record : records) {
        if (auto hash = hashOf(record))
            bySignature[*hash].push_back(&record);
        else
            failed.push_back(&record);
    }
    std::vector<TriageGroup> groups;
    for (auto& [hash, members] : bySignature)
        groups.push_back(makeGroup(std::move(members)));
    std::sort(groups.begin(), groups.end(), [](const TriageGroup& a, const TriageGroup& b) {
        if (a.count != b.count) return a.count > b.count;
        if (a.first.crashTime != b.first.crashTime) return earlier(a.first, b.first);
        return a.title < b.title;
    });
    if (!failed.empty()) groups.push_back(makeGroup(std::move(failed)));
    return groups;
}

ordered_json triageGroupJson(const TriageGroup& g) {
    ordered_json j;
    j["schema"] = triage::kCrashReportSchema;
    j["signature"] = g.signature ? ordered_json(*g.signature) : nullptr;
    j["failed"] = !g.signature.has_value();
    j["kind"] = g.signature ? ordered_json(g.kind) : nullptr;
    j["title"] = g.signature ? ordered_json(g.title) : nullptr;
    j["count"] = g.count;
    j["first"] = memberJson(g.first);
    j["last"] = memberJson(g.last);
    j["example"] = g.example;
    return j;
}

void printTriageGroups(std::ostream& out, const std::vector<TriageGroup>& groups) {
    out << "COUNT  SIGNATURE         TITLE\n";
    for (const auto& g : groups) {
        std::string count = std::to_string(g.count);
        out << std::string(count.size() < 5 ? 5 - count.size() : 0, ' ') << count << "  "
            << (g.signature ? *g.signature : std::string("-               ")) << "  "
            << (g.signature ? g.title : std::string("(failed: see each dump's error)")) << '\n';
        out << "       first:   " << g.first.crashTime.value_or("(time unknown)") << "  "
            << g.first.path << '\n'
            << "       last:    " << g.last.crashTime.value_or("(time unknown)") << "  "
            << g.last.path << '\n'
            << "       example: " << g.example << '\n';
    }
}

} // namespace panicscope::report
