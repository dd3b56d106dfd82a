// Where a session finds a loaded module's debug file by the build ID the dump holds for it
// (private to model/): DIR/.build-id/xx/rest.debug in the debug directories and /usr/lib/debug,
// then debuginfod. The module directories' search by name comes after (ModuleDebugFiles).
#pragma once

#include "kernel/kernel_view.h"
#include "model/debuginfod_fetch.h"
#include "unwind/module_debug_files.h"

#include <string>
#include <vector>

namespace panicscope::model {

// `view` must outlive the locator. `debuginfodUrls` empty: no server is asked. `note` is told
// of each download (a module's file is small: no progress line).
unwind::ModuleFileLocator moduleFileLocator(const kernel::KernelView& view,
                                            std::vector<std::string> debugDirs,
                                            std::string debuginfodUrls, TextCallback note);

} // namespace panicscope::model
