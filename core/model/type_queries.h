// What the Session answers about the kernel's types and the objects in the dump (the struct,
// union, p, whatis and list verbs), over the type graph and the dump's memory. Private to
// model/: front ends call the Session.
#pragma once

#include "kernel/kernel_view.h"
#include "kernel/per_cpu.h"
#include "model/values.h"
#include "symbols/vmlinux.h"
#include "types/expressions.h"
#include "types/type_graph.h"
#include "types/value_reader.h"

#include <functional>

namespace panicscope::model {

class TypeQueries {
  public:
    using PerCpuSource = std::function<const Result<kernel::PerCpu>&()>;
    TypeQueries(const kernel::KernelView& view, const symbols::Vmlinux& vmlinux, uint64_t pageSize,
                PerCpuSource cpus);

    Result<TypeDefinition> describeType(const std::string& name) const;
    Result<VariableInfo> describeVariable(const std::string& name) const;
    Result<std::vector<ObjectValue>> readObject(const std::string& type, uint64_t address,
                                                const std::vector<std::string>& members) const;
    Result<std::vector<ObjectValue>> readVariable(const std::string& expression) const;
    Result<ListResult> walkList(const ListRequest& request) const;

  private:
    // One object of `type` at `address`: the whole of it, or its member `path`.
    Result<ObjectValue> readAt(types::TypeRef type, uint64_t address, const std::string& path,
                               std::string expression) const;
    // The symbol of a global variable; its per-CPU offset when it is a per-CPU one.
    struct Variable {
        const symbols::Symbol* symbol = nullptr;
        types::TypeRef type;
        bool perCpu = false;
        uint64_t address = 0; // runtime address, or the offset into each CPU's area
    };
    Result<Variable> findVariable(const std::string& name) const;
    Result<std::vector<unsigned>> cpusOf(const types::VariableExpression& expression) const;
    Result<uint64_t> listOffset(const ListRequest& request) const;

    const kernel::KernelView& view_;
    uint64_t pageSize_;
    PerCpuSource cpus_;
    types::TypeGraph graph_;
    types::NameCode nameCode_;
};

} // namespace panicscope::model
