#include "report/type_report.h"

#include "report/json_report.h"
#include "util/hex.h"

#include <algorithm>

namespace panicscope::report {

using nlohmann::ordered_json;
using types::Value;

namespace {

// "[0x18]": the offset column of `struct -o`.
std::string offsetLabel(const model::TypeMember& m) {
    return "[" + hex(m.offset) + (m.bitSize ? ":" + std::to_string(m.bitOffset) : "") + "]";
}

size_t widestOffset(const std::vector<model::TypeMember>& members) {
    size_t width = 0;
    for (const auto& m : members)
        width = std::max(width, m.members.empty() && m.name.empty() ? 0
                                : m.declaration == "struct" || m.declaration == "union"
                                    ? widestOffset(m.members)
                                    : offsetLabel(m).size());
    return width;
}

void printMembers(std::ostream& out, const std::vector<model::TypeMember>& members, int depth,
                  size_t offsetWidth) {
    // With offsets the column stands where the outer indentation would be: "   [0x8] int x;".
    const std::string indent(4 * size_t(offsetWidth ? depth - 1 : depth), ' ');
    for (const auto& m : members) {
        const bool anonymous =
            m.name.empty() && (m.declaration == "struct" || m.declaration == "union");
        std::string column;
        if (offsetWidth) {
            column = anonymous ? std::string() : offsetLabel(m);
            column.insert(0, offsetWidth + 2 - column.size(), ' ');
            column += ' ';
        }
        if (!anonymous) {
            out << column << indent << m.declaration << ";\n";
            continue;
        }
        out << column << indent << m.declaration << " {\n";
        printMembers(out, m.members, depth + 1, offsetWidth);
        out << column << indent << "};\n";
    }
}

bool isScalar(const Value& v) {
    return v.kind != Value::Kind::Struct && v.kind != Value::Kind::Union &&
           v.kind != Value::Kind::Array;
}

void printBody(std::ostream& out, const Value& v, size_t indent);

// "{1, 2, 3...}" for scalars; an element per line for aggregates.
void printArray(std::ostream& out, const Value& v, size_t indent) {
    const bool flat = std::all_of(v.children.begin(), v.children.end(), isScalar);
    if (flat) {
        out << '{';
        for (size_t i = 0; i < v.children.size(); ++i)
            out << (i ? ", " : "") << v.children[i].text;
        if (v.omitted) out << (v.children.empty() ? "" : ", ") << "... (" << v.omitted << " more)";
        out << '}';
        return;
    }
    out << "{\n";
    for (size_t i = 0; i < v.children.size(); ++i) {
        out << std::string(indent + 2, ' ');
        printBody(out, v.children[i], indent + 2);
        out << (i + 1 < v.children.size() || v.omitted ? ",\n" : "\n");
    }
    if (v.omitted) out << std::string(indent + 2, ' ') << "... (" << v.omitted << " more)\n";
    out << std::string(indent, ' ') << '}';
}

void printBody(std::ostream& out, const Value& v, size_t indent) {
    switch (v.kind) {
    case Value::Kind::String:
        out << '"' << v.text << '"';
        return;
    case Value::Kind::Array:
        printArray(out, v, indent);
        return;
    case Value::Kind::Struct:
    case Value::Kind::Union:
        if (v.children.empty()) {
            out << "{}";
            return;
        }
        out << "{\n";
        for (size_t i = 0; i < v.children.size(); ++i) {
            const Value& c = v.children[i];
            out << std::string(indent + 2, ' ') << (c.name.empty() ? "" : c.name + " = ");
            printBody(out, c, indent + 2);
            out << (i + 1 < v.children.size() ? ",\n" : "\n");
        }
        out << std::string(indent, ' ') << '}';
        return;
    default:
        out << v.text;
        return;
    }
}

const char* kindName(Value::Kind kind) {
    switch (kind) {
    case Value::Kind::Integer:
        return "integer";
    case Value::Kind::Bool:
        return "bool";
    case Value::Kind::Float:
        return "float";
    case Value::Kind::Pointer:
        return "pointer";
    case Value::Kind::Enum:
        return "enum";
    case Value::Kind::String:
        return "string";
    case Value::Kind::Array:
        return "array";
    case Value::Kind::Struct:
        return "struct";
    case Value::Kind::Union:
        return "union";
    case Value::Kind::Missing:
        return "missing";
    case Value::Kind::Opaque:
        break;
    }
    return "opaque";
}

ordered_json memberJson(const model::TypeMember& m) {
    ordered_json j{{"name", m.name},
                   {"declaration", m.declaration},
                   {"type", m.type},
                   {"offset", m.offset},
                   {"size", m.size}};
    if (m.bitSize) {
        j["bit_offset"] = m.bitOffset;
        j["bit_size"] = m.bitSize;
    }
    if (!m.members.empty()) {
        j["members"] = ordered_json::array();
        for (const auto& inner : m.members)
            j["members"].push_back(memberJson(inner));
    }
    return j;
}

const char* typeKindName(types::TypeKind kind) {
    switch (kind) {
    case types::TypeKind::Struct:
        return "struct";
    case types::TypeKind::Union:
        return "union";
    case types::TypeKind::Enum:
        return "enum";
    case types::TypeKind::Typedef:
        return "typedef";
    default:
        return "base";
    }
}

} // namespace

void printTypeDefinition(std::ostream& out, const model::TypeDefinition& type, bool offsets) {
    if (type.typedefOf) {
        out << *type.typedefOf << ";\n";
    } else if (type.kind == types::TypeKind::Struct || type.kind == types::TypeKind::Union) {
        out << type.name << " {\n";
        printMembers(out, type.members, 1, offsets ? widestOffset(type.members) : 0);
        out << "}\n";
    } else if (type.kind == types::TypeKind::Enum) {
        out << type.name << " {\n";
        for (const auto& e : type.enumerators)
            out << "    " << e.name << " = " << e.value << ",\n";
        out << "};\n";
    } else {
        out << type.name << ";\n";
    }
    out << "SIZE: " << type.size << '\n';
}

void printVariableInfo(std::ostream& out, const model::VariableInfo& variable) {
    out << variable.declaration << ";\n";
}

void printObject(std::ostream& out, const model::ObjectValue& object, ObjectStyle style) {
    switch (style) {
    case ObjectStyle::TypeHeader:
        out << object.expression << ' ';
        printBody(out, object.value, 0);
        out << '\n';
        return;
    case ObjectStyle::Assignment:
        out << object.expression << " = ";
        printBody(out, object.value, 0);
        out << '\n';
        return;
    case ObjectStyle::Member:
        out << "  " << object.expression << " = ";
        printBody(out, object.value, 2);
        out << ",\n";
        return;
    }
}

void printList(std::ostream& out, const model::ListResult& list, bool membersOnly) {
    for (size_t i = 0; i < list.entries.size(); ++i) {
        out << hex16(list.entries[i]) << '\n';
        if (i >= list.objects.size()) continue;
        for (const auto& object : list.objects[i])
            printObject(out, object, membersOnly ? ObjectStyle::Member : ObjectStyle::TypeHeader);
    }
}

ordered_json typeDefinitionJson(const model::TypeDefinition& type) {
    ordered_json j{{"name", type.name}, {"kind", typeKindName(type.kind)}, {"size", type.size}};
    if (type.typedefOf) j["definition"] = *type.typedefOf;
    if (type.kind == types::TypeKind::Struct || type.kind == types::TypeKind::Union) {
        j["members"] = ordered_json::array();
        for (const auto& m : type.members)
            j["members"].push_back(memberJson(m));
    }
    if (type.kind == types::TypeKind::Enum) {
        j["enumerators"] = ordered_json::array();
        for (const auto& e : type.enumerators)
            j["enumerators"].push_back({{"name", e.name}, {"value", e.value}});
    }
    return j;
}

ordered_json variableInfoJson(const model::VariableInfo& v) {
    return {{"name", v.name}, {"declaration", v.declaration},
            {"type", v.type}, {"address", hex(v.address)},
            {"size", v.size}, {"per_cpu", v.perCpu}};
}

ordered_json valueJson(const Value& v) {
    ordered_json j{{"name", v.name},
                   {"type", v.type},
                   {"address", hex(v.address)},
                   {"kind", kindName(v.kind)}};
    if (v.bitSize) j["bit_size"] = v.bitSize;
    switch (v.kind) {
    case Value::Kind::Struct:
    case Value::Kind::Union:
    case Value::Kind::Array: {
        ordered_json children = ordered_json::array();
        for (const auto& c : v.children)
            children.push_back(valueJson(c));
        j[v.kind == Value::Kind::Array ? "elements" : "members"] = std::move(children);
        if (v.kind == Value::Kind::Array) j["omitted"] = v.omitted;
        return j;
    }
    case Value::Kind::Pointer:
        j["value"] = hex(v.unsignedValue.value_or(0));
        break;
    case Value::Kind::Bool:
        j["value"] = v.unsignedValue.value_or(0) != 0;
        break;
    case Value::Kind::Float:
        j["value"] = v.floatValue.value_or(0);
        break;
    case Value::Kind::String:
        j["value"] = v.text;
        break;
    case Value::Kind::Integer:
    case Value::Kind::Enum:
        if (v.signedValue)
            j["value"] = *v.signedValue;
        else
            j["value"] = v.unsignedValue.value_or(0);
        break;
    case Value::Kind::Missing:
    case Value::Kind::Opaque:
        j["value"] = nullptr;
        break;
    }
    j["text"] = v.text;
    return j;
}

ordered_json objectJson(const model::ObjectValue& o) {
    ordered_json j{{"expression", o.expression}, {"address", hex(o.address)}};
    j["cpu"] = o.cpu ? ordered_json(*o.cpu) : ordered_json(nullptr);
    j["value"] = valueJson(o.value);
    return j;
}

ordered_json listJson(const model::ListResult& list) {
    ordered_json entries = ordered_json::array();
    for (uint64_t e : list.entries)
        entries.push_back(hex(e));
    ordered_json objects = ordered_json::array();
    std::vector<Diagnostic> warnings;
    for (const auto& entry : list.objects) {
        ordered_json values = ordered_json::array();
        for (const auto& o : entry) {
            values.push_back(objectJson(o));
            warnings.insert(warnings.end(), o.warnings.begin(), o.warnings.end());
        }
        objects.push_back(std::move(values));
    }
    return {{"entries", std::move(entries)},
            {"objects", std::move(objects)},
            {"problem", list.problem ? ordered_json(*list.problem) : ordered_json(nullptr)},
            {"warnings", warningsJson(warnings)}};
}

} // namespace panicscope::report
