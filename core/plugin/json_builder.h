// Builds one JSON document from a plugin's C calls (begin object, a string member, end, ...),
// checking them: a member without a key, a key inside an array, an end with nothing open, a
// second top-level value or one left open make the document an error instead of bad JSON.
#pragma once

#include "util/result.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace panicscope::plugin {

class JsonBuilder {
  public:
    JsonBuilder() = default;
    JsonBuilder(const JsonBuilder&) = delete;
    JsonBuilder& operator=(const JsonBuilder&) = delete;

    void beginObject(const char* key) { place(key, nlohmann::ordered_json::object(), true); }
    void beginArray(const char* key) { place(key, nlohmann::ordered_json::array(), true); }
    void end();
    void value(const char* key, nlohmann::ordered_json value) {
        place(key, std::move(value), false);
    }
    // A mistake of the caller's found outside the builder (a NULL string).
    void misuse(const std::string& what);

    // The document (nullopt when nothing was built), or the first mistake.
    Result<std::optional<nlohmann::ordered_json>> finish() const;

  private:
    void place(const char* key, nlohmann::ordered_json value, bool container);

    nlohmann::ordered_json root_;
    bool hasRoot_ = false;
    std::vector<nlohmann::ordered_json*> open_; // the containers being filled, innermost last
    std::string error_;
};

} // namespace panicscope::plugin
