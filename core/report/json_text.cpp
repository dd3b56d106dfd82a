#include "report/json_text.h"

#include "util/dump_text.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

namespace panicscope::report {

namespace {

std::string hexBytes(std::string_view bytes) {
    constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out += kHex[b >> 4];
        out += kHex[b & 0xf];
    }
    return out;
}

// Replaces an invalid string in place; returns its original bytes when it was invalid.
std::optional<std::string> repair(nlohmann::ordered_json& value) {
    if (!value.is_string()) {
        makeValidUtf8(value);
        return std::nullopt;
    }
    auto& text = value.get_ref<std::string&>();
    if (isValidUtf8(text)) return std::nullopt;
    std::string original = std::move(text);
    text = replaceInvalidUtf8(original);
    return original;
}

} // namespace

void makeValidUtf8(nlohmann::ordered_json& document) {
    if (document.is_array()) {
        for (auto& element : document)
            repair(element);
        return;
    }
    if (!document.is_object()) return;
    std::vector<std::pair<std::string, std::string>> raw; // "KEY_hex" members to add
    bool badKeys = false;
    for (auto it = document.begin(); it != document.end(); ++it) {
        badKeys = badKeys || !isValidUtf8(it.key());
        if (auto original = repair(it.value())) raw.emplace_back(it.key() + "_hex", *original);
    }
    for (auto& [key, bytes] : raw)
        document[replaceInvalidUtf8(key)] = hexBytes(bytes);
    if (!badKeys) return;
    nlohmann::ordered_json repaired = nlohmann::ordered_json::object();
    for (auto it = document.begin(); it != document.end(); ++it)
        repaired[replaceInvalidUtf8(it.key())] = std::move(it.value());
    document = std::move(repaired);
}

namespace {

bool allValidUtf8(const nlohmann::ordered_json& value) {
    if (value.is_string()) return isValidUtf8(value.get_ref<const std::string&>());
    if (value.is_array())
        return std::all_of(value.begin(), value.end(),
                           [](const auto& v) { return allValidUtf8(v); });
    if (!value.is_object()) return true;
    for (auto it = value.begin(); it != value.end(); ++it)
        if (!isValidUtf8(it.key()) || !allValidUtf8(it.value())) return false;
    return true;
}

} // namespace

std::string jsonText(const nlohmann::ordered_json& document, int indent) {
    if (allValidUtf8(document)) return document.dump(indent); // nearly always: no copy
    nlohmann::ordered_json repaired = document;
    makeValidUtf8(repaired);
    return repaired.dump(indent);
}

} // namespace panicscope::report
