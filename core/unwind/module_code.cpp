#include "unwind/module_code.h"

#include "kernel/modules.h"

namespace panicscope::unwind {

ModuleCodeList loadModuleCode(const kernel::KernelView& view,
                              const std::optional<OrcFormat>& format) {
    ModuleCodeList out;
    auto list = kernel::readModules(view);
    if (!list) {
        out.warnings.push_back("modules: " + list.error().message);
        return out;
    }
    out.warnings = std::move(list->warnings);
    for (auto& m : list->modules) {
        ModuleCode code{m.name,     m.address,  m.textBase,           m.textSize,
                        m.initBase, m.initSize, std::move(m.symbols), {}};
        if (format && !m.orcAddresses.empty()) {
            std::vector<OrcEntry> entries;
            for (size_t i = 0; i < m.orcAddresses.size(); ++i)
                entries.push_back(decodeOrcEntry(
                    std::span<const uint8_t, 6>(m.orcEntries.data() + 6 * i, 6), *format));
            code.orc = OrcTable::fromRows(std::move(m.orcAddresses), std::move(entries));
        }
        out.modules.push_back(std::move(code));
    }
    return out;
}

} // namespace panicscope::unwind
