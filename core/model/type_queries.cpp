#include "model/type_queries.h"

#include "dump/memory_block.h"
#include "kernel/list_walk.h"
#include "types/type_definition.h"
#include "util/hex.h"

namespace panicscope::model {

namespace {

constexpr uint64_t kMaxObject = 64u << 20; // as readMemory: larger is no kernel object

} // namespace

TypeQueries::TypeQueries(const kernel::KernelView& view, const symbols::Vmlinux& vmlinux,
                         uint64_t pageSize, PerCpuSource cpus)
    : view_(view), pageSize_(pageSize), cpus_(std::move(cpus)),
      graph_(vmlinux.btf(), vmlinux.dwarf(), vmlinux.path()) {
    nameCode_ = [this](uint64_t address) -> std::optional<std::string> {
        const symbols::Symbol* s = view_.symbolAt(address);
        if (!s || !s->isFunction) return std::nullopt;
        const uint64_t offset = address - (s->address + view_.kaslrOffset());
        return std::string(s->name) + (offset ? "+" + std::to_string(offset) : "");
    };
}

Result<TypeDefinition> TypeQueries::describeType(const std::string& name) const {
    auto ref = graph_.findType(name);
    if (!ref) return tl::unexpected(ref.error());
    return types::describeType(graph_, *ref);
}

Result<TypeQueries::Variable> TypeQueries::findVariable(const std::string& name) const {
    Variable v;
    v.symbol = view_.symbols().byName(name);
    if (!v.symbol) return fail(Errc::NoSymbol, "the vmlinux has no symbol '" + name + "'");
    auto type = graph_.variableType(name);
    if (!type) return tl::unexpected(type.error());
    v.type = *type;
    // x86-64 per-CPU symbols are offsets into the per-CPU area, below __per_cpu_end and not moved
    // by KASLR (as PerCpu::variable reads them).
    const symbols::Symbol* end = view_.symbols().byName("__per_cpu_end");
    v.perCpu = end && v.symbol->address < end->address;
    v.address = v.perCpu ? v.symbol->address : v.symbol->address + view_.kaslrOffset();
    return v;
}

Result<VariableInfo> TypeQueries::describeVariable(const std::string& name) const {
    auto v = findVariable(name);
    if (!v) return tl::unexpected(v.error());
    return VariableInfo{name,       graph_.declare(v->type, name), graph_.nameOf(v->type),
                        v->address, graph_.sizeOf(v->type),        v->perCpu};
}

Result<ObjectValue> TypeQueries::readAt(types::TypeRef type, uint64_t address,
                                        const std::string& path, std::string expression) const {
    types::MemberAt at{type, 0, 0};
    if (!path.empty()) {
        auto member = graph_.member(type, path);
        if (!member) return tl::unexpected(member.error());
        at = *member;
    }
    const uint64_t start = address + at.bitOffset / 8;
    const uint64_t size =
        at.bitSize ? (at.bitOffset % 8 + at.bitSize + 7) / 8 : graph_.sizeOf(at.type);
    if (size > kMaxObject)
        return fail(Errc::Usage, graph_.nameOf(at.type) + " is " + std::to_string(size) +
                                     " bytes: more than the 64 MiB read at once");
    if (start < address || start + size < start)
        return fail(Errc::Usage, "the object at " + hex(address) + " wraps around");
    const auto block = dump::readBlock(view_.memory(), start, size, pageSize_);
    if (size > 0 && block.missing.size() == 1 && block.missing.front().first == start &&
        block.missing.front().second == start + size)
        return fail(Errc::NotInDump, expression + " at " + hex(start) + ": " +
                                         block.missingReason.value_or("not in the dump"));
    ObjectValue out;
    out.expression = std::move(expression);
    out.address = start;
    out.value = types::readMember(graph_, at, address, block, nameCode_, path);
    if (block.missingReason)
        out.warnings.push_back(
            {"memory", Diagnostic::Severity::Warning, block.missing.front().first,
             "part of " + out.expression + " is not in the dump: " + *block.missingReason});
    return out;
}

Result<std::vector<ObjectValue>>
TypeQueries::readObject(const std::string& type, uint64_t address,
                        const std::vector<std::string>& members) const {
    auto ref = graph_.findType(type);
    if (!ref) return tl::unexpected(ref.error());
    std::vector<ObjectValue> out;
    if (members.empty()) {
        auto whole = readAt(*ref, address, {}, graph_.nameOf(*ref));
        if (!whole) return tl::unexpected(whole.error());
        out.push_back(std::move(*whole));
        return out;
    }
    for (const auto& path : members) {
        auto member = readAt(*ref, address, path, path);
        if (!member) return tl::unexpected(member.error());
        out.push_back(std::move(*member));
    }
    return out;
}

Result<std::vector<unsigned>>
TypeQueries::cpusOf(const types::VariableExpression& expression) const {
    const auto& cpus = cpus_();
    if (!cpus) return tl::unexpected(cpus.error());
    if (expression.allCpus) return cpus->cpus();
    for (unsigned cpu : *expression.cpus)
        if (cpu >= cpus->cpuIdCount())
            return fail(Errc::Usage, "there is no CPU " + std::to_string(cpu) +
                                         " (the kernel has " + std::to_string(cpus->cpuIdCount()) +
                                         " CPU ids)");
    return *expression.cpus;
}

Result<std::vector<ObjectValue>> TypeQueries::readVariable(const std::string& text) const {
    auto expression = types::parseVariableExpression(text);
    if (!expression) return tl::unexpected(expression.error());
    auto v = findVariable(expression->variable);
    if (!v) return tl::unexpected(v.error());
    const std::string suffix = expression->memberPath.empty() ? "" : "." + expression->memberPath;
    std::vector<ObjectValue> out;
    if (!v->perCpu) {
        if (expression->cpus)
            return fail(Errc::Usage, expression->variable + " is not a per-CPU variable");
        auto value =
            readAt(v->type, v->address, expression->memberPath, expression->variable + suffix);
        if (!value) return tl::unexpected(value.error());
        out.push_back(std::move(*value));
        return out;
    }
    if (!expression->cpus)
        return fail(Errc::Usage, expression->variable + " is a per-CPU variable: give " +
                                     expression->variable + ":CPU, or " + expression->variable +
                                     ":a for every CPU");
    auto cpus = cpusOf(*expression);
    if (!cpus) return tl::unexpected(cpus.error());
    for (unsigned cpu : *cpus) {
        auto address = cpus_()->variable(view_, expression->variable, cpu);
        if (!address) return tl::unexpected(address.error());
        auto value =
            readAt(v->type, *address, expression->memberPath,
                   "per_cpu(" + expression->variable + ", " + std::to_string(cpu) + ")" + suffix);
        if (!value) return tl::unexpected(value.error());
        value->cpu = cpu;
        out.push_back(std::move(*value));
    }
    return out;
}

Result<uint64_t> TypeQueries::listOffset(const ListRequest& request) const {
    if (request.offset) return *request.offset;
    if (!request.member) return 0;
    auto selection = types::parseTypeSelection(*request.member);
    if (!selection) return tl::unexpected(selection.error());
    if (selection->members.size() != 1)
        return fail(Errc::Usage, "'" + *request.member + "' is no TYPE.member");
    auto type = graph_.findType(selection->type);
    if (!type) return tl::unexpected(type.error());
    auto member = graph_.member(*type, selection->members.front());
    if (!member) return tl::unexpected(member.error());
    return member->bitOffset / 8;
}

Result<ListResult> TypeQueries::walkList(const ListRequest& request) const {
    auto offset = listOffset(request);
    if (!offset) return tl::unexpected(offset.error());
    std::optional<types::TypeSelection> selection;
    if (request.structType) {
        auto parsed = types::parseTypeSelection(*request.structType);
        if (!parsed) return tl::unexpected(parsed.error());
        selection = std::move(*parsed);
    }
    ListResult out;
    // Without -H the start is the first entry, and its list_head is the ring's way back.
    const uint64_t head = request.startIsHead ? request.start : request.start + *offset;
    if (!request.startIsHead) out.entries.push_back(request.start);
    const auto walk =
        kernel::walkList(view_.memory(), head, *offset, request.maxEntries - out.entries.size(),
                         /*nullEnds=*/!request.startIsHead);
    out.entries.insert(out.entries.end(), walk.entries.begin(), walk.entries.end());
    if (walk.problem) out.problem = kernel::describeListProblem("the", *walk.problem);
    if (!selection) return out;
    for (uint64_t entry : out.entries) {
        auto objects = readObject(selection->type, entry, selection->members);
        if (!objects) {
            out.problem = objects.error().message; // the entries read so far stay
            break;
        }
        out.objects.push_back(std::move(*objects));
    }
    return out;
}

} // namespace panicscope::model
