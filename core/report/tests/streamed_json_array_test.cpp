// StreamedJsonArray must write exactly what dump(2) of the whole document writes: scripts parse
// `bt --all --json`, and the streamed form exists only to keep memory flat.
#include "report/json_report.h"

#include <gtest/gtest.h>

#include <sstream>

namespace panicscope::report {
namespace {

std::string streamed(const nlohmann::ordered_json& elements) {
    std::ostringstream out;
    StreamedJsonArray array(out, "tasks");
    for (const auto& e : elements)
        array.add(e);
    array.finish();
    return out.str();
}

std::string whole(const nlohmann::ordered_json& elements) {
    return nlohmann::ordered_json{{"tasks", elements}}.dump(2) + "\n";
}

TEST(StreamedJsonArray, WritesWhatDumpOfTheWholeDocumentWrites) {
    nlohmann::ordered_json elements = nlohmann::ordered_json::array();
    EXPECT_EQ(streamed(elements), whole(elements));
    EXPECT_EQ(streamed(elements), "{\n  \"tasks\": []\n}\n");
    elements.push_back({{"pid", 1}, {"frames", nlohmann::ordered_json::array()}});
    EXPECT_EQ(streamed(elements), whole(elements));
    elements.push_back({{"pid", 2},
                        {"comm", "line\nbreak"},
                        {"frames", {{{"pc", "0x1"}, {"boundary", nullptr}}, {{"pc", "0x2"}}}}});
    elements.push_back(42);
    EXPECT_EQ(streamed(elements), whole(elements));
}

} // namespace
} // namespace panicscope::report
