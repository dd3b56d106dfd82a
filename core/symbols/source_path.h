// Turns a source path from the line table into the kernel-tree-relative form people know from
// the kernel's own messages ("kernel/sched/core.c"), whatever directory the kernel was built in.
#pragma once

#include <string>
#include <string_view>

namespace panicscope::symbols {

// `path` is normalised lexically ("./", "a/../"). An absolute path loses the build directory
// prefix: `compDir` (the unit's DW_AT_comp_dir; files generated in the build tree) or an ancestor
// of it after which a kernel top-level directory follows (out-of-tree builds such as Debian's
// SRC/debian/build/...). Anything else stays as recorded.
std::string kernelSourcePath(std::string_view path, std::string_view compDir);

} // namespace panicscope::symbols
