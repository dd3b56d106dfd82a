// Names frames and addresses: the symbol, its offset and kallsyms size, the module, and with
// lines the file:line and the functions inlined there -- from the vmlinux for its own code, from
// the dump's kallsyms and the module's .ko (when one matches) for module code.
#pragma once

#include "symbols/vmlinux.h"
#include "unwind/code_map.h"
#include "unwind/frame.h"
#include "unwind/module_debug_files.h"

namespace panicscope::unwind {

class Symbolizer {
  public:
    // `moduleFiles` may be null (no module directories).
    Symbolizer(const symbols::Vmlinux& vmlinux, const CodeMap& code,
               const ModuleDebugFiles* moduleFiles)
        : vmlinux_(&vmlinux), code_(&code), moduleFiles_(moduleFiles) {}

    // Fills function, offset, size and module; with `withLines` also file:line and the inlined
    // functions at the frame's code address (slower: it reads .debug_line and DWARF scopes).
    void symbolize(Frame& frame, bool withLines) const;

  private:
    void addInlines(Frame& frame) const;
    const symbols::ModuleDebugInfo* debugInfo(const ModuleCode* module) const;

    const symbols::Vmlinux* vmlinux_;
    const CodeMap* code_;
    const ModuleDebugFiles* moduleFiles_;
};

} // namespace panicscope::unwind
