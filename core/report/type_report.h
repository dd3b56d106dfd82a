// Text and JSON of the type verbs: struct/union (a definition, an object or its members), p,
// whatis and list. The text follows crash's (which is gdb's print format), so habits carry over.
#pragma once

#include "model/values.h"

#include <nlohmann/json.hpp>

#include <ostream>

namespace panicscope::report {

// "struct list_head {", its members (with `offsets`: "[0x8] struct list_head *prev;"), "}",
// "SIZE: 16"; an enum's constants; a typedef's line.
void printTypeDefinition(std::ostream& out, const model::TypeDefinition& type, bool offsets);
// "volatile unsigned long jiffies;"
void printVariableInfo(std::ostream& out, const model::VariableInfo& variable);

// How an object's value is introduced.
enum class ObjectStyle {
    TypeHeader, // "struct list_head {...}": a whole object read by type
    Assignment, // "jiffies = 4294967296": a variable or its member
    Member,     // "  pid = 1,": one member of several selected from an object
};
void printObject(std::ostream& out, const model::ObjectValue& object, ObjectStyle style);
// Each entry's address (16 hex digits, as crash prints them), with -s its object below it
// (the caller reports the problem that ended the walk).
void printList(std::ostream& out, const model::ListResult& list, bool membersOnly);

nlohmann::ordered_json typeDefinitionJson(const model::TypeDefinition& type);
nlohmann::ordered_json variableInfoJson(const model::VariableInfo& variable);
nlohmann::ordered_json valueJson(const types::Value& value);
nlohmann::ordered_json objectJson(const model::ObjectValue& object);
nlohmann::ordered_json listJson(const model::ListResult& list);

} // namespace panicscope::report
