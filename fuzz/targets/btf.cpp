// The kernel's BTF (.BTF section): the reader's index, every accessor on every type id, the
// struct layouts the kernel model asks for (BtfLayouts) and the type graph the type verbs
// (struct, p, whatis) print from, on the first aggregates the blob names.
#include "symbols/btf_layouts.h"
#include "symbols/btf_types.h"
#include "types/type_definition.h"
#include "types/type_graph.h"

#include "fake_memory.h"

#include <cstdint>
#include <string>
#include <string_view>

using namespace panicscope;

namespace {

// Bounds the work per input (a real BTF has 100,000 types): the index is built for all of them,
// the accessors run on this many.
constexpr uint32_t kTypesVisited = 4096;
constexpr size_t kAggregatesDescribed = 32;

void visitType(const symbols::BtfTypes& btf, uint32_t id) {
    (void)btf.kind(id), (void)btf.name(id), (void)btf.size(id), (void)btf.referredType(id);
    (void)btf.arrayLength(id), (void)btf.intBits(id), (void)btf.intSigned(id);
    (void)btf.intChar(id), (void)btf.intBool(id), (void)btf.enumSigned(id);
    (void)btf.forwardIsUnion(id), (void)btf.resolved(id);
    for (const auto& m : btf.members(id))
        (void)m.name;
    for (const auto& e : btf.enumerators(id))
        (void)e.name;
    for (const auto& p : btf.parameters(id))
        (void)p.name;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view section(reinterpret_cast<const char*>(data), size);
    const auto btf = symbols::BtfTypes::parse(section);
    if (!btf) return 0;
    for (uint32_t id = 0; id < btf->count() && id < kTypesVisited; ++id)
        visitType(*btf, id);
    (void)btf->variableNamed("runqueues");
    (void)btf->enumeratorValue("TASK_COMM_LEN");

    const testing::FakeLayouts noDwarf;
    const symbols::BtfLayouts layouts(section, noDwarf);
    const types::TypeGraph graph(&*btf, nullptr, "fuzz-input");
    size_t described = 0;
    for (const std::string_view name : btf->aggregateNames()) {
        if (described++ == kAggregatesDescribed) break;
        (void)btf->aggregatesNamed(name), (void)btf->typedefsNamed(name);
        (void)layouts.sizeOf(name);
        auto type = graph.findType("struct " + std::string(name));
        if (!type) type = graph.findType("union " + std::string(name));
        if (!type) continue;
        (void)graph.nameOf(*type), (void)graph.sizeOf(*type);
        (void)types::describeType(graph, *type);
        // The first member by name, through the layouts and the graph.
        for (const auto& m : btf->members(type->id)) {
            if (m.name.empty()) continue;
            (void)layouts.member(name, m.name);
            (void)graph.member(*type, m.name);
            break;
        }
    }
    (void)layouts.member("task_struct", "se.vruntime");
    (void)layouts.enumerator("TASK_COMM_LEN");
    return 0;
}
