#include "plugin/json_builder.h"

namespace panicscope::plugin {

namespace {

// Deep enough for any report, shallow enough for the recursive printer.
constexpr size_t kMaxDepth = 64;

} // namespace

void JsonBuilder::misuse(const std::string& what) {
    if (error_.empty()) error_ = what;
}

void JsonBuilder::place(const char* key, nlohmann::ordered_json value, bool container) {
    if (!error_.empty()) return;
    if (open_.empty()) {
        if (hasRoot_) return misuse("a second top-level JSON value");
        if (!container) return misuse("the top-level JSON value is no object or array");
        root_ = std::move(value);
        hasRoot_ = true;
        open_.push_back(&root_);
        return;
    }
    if (container && open_.size() >= kMaxDepth) return misuse("JSON nested too deep");
    nlohmann::ordered_json& parent = *open_.back();
    nlohmann::ordered_json* placed = nullptr;
    if (parent.is_object()) {
        if (!key) return misuse("a JSON object member with no key");
        placed = &(parent[key] = std::move(value));
    } else {
        if (key) return misuse(std::string("a key ('") + key + "') inside a JSON array");
        parent.push_back(std::move(value));
        placed = &parent.back();
    }
    if (container) open_.push_back(placed);
}

void JsonBuilder::end() {
    if (!error_.empty()) return;
    if (open_.empty()) return misuse("json_end with no object or array open");
    open_.pop_back();
}

Result<std::optional<nlohmann::ordered_json>> JsonBuilder::finish() const {
    if (!error_.empty()) return fail(Errc::Usage, error_);
    if (!open_.empty())
        return fail(Errc::Usage,
                    std::to_string(open_.size()) + " JSON object(s) or array(s) left open");
    if (!hasRoot_) return std::optional<nlohmann::ordered_json>();
    return std::optional(root_);
}

} // namespace panicscope::plugin
