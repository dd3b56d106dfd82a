// The .ko files with debug info for the loaded modules, opened on first use: found by the module's
// build ID (a locator: debug directories, debuginfod), else by name below the module directories;
// a .ko of another build than the loaded module is refused with a warning. Safe to use from
// several threads.
#pragma once

#include "symbols/module_debug_info.h"
#include "unwind/module_code.h"

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace panicscope::unwind {

// What a search by build ID found for a module: a path, or why there is none worth a warning
// (a server's answer), or neither (no build ID, nothing on disk, nothing asked).
struct LocatedFile {
    std::optional<std::string> path;
    std::optional<std::string> problem;
};
using ModuleFileLocator = std::function<LocatedFile(const ModuleCode& module)>;

class ModuleDebugFiles {
  public:
    // `nameOffset`: where struct module keeps its name (for a .ko without .modinfo's name=).
    // `byBuildId` is asked first, once per module, under this object's lock.
    ModuleDebugFiles(std::vector<std::string> dirs, std::span<const ModuleCode> loaded,
                     std::string release, uint64_t nameOffset, ModuleFileLocator byBuildId = {});

    // The debug info of a loaded module, null when there is none that matches it.
    const symbols::ModuleDebugInfo* find(const std::string& module) const;
    // Why modules have no debug info (missing .ko, another build), one line each: the module
    // directories' first, then the modules' in load order (whatever order threads asked in).
    std::vector<std::string> warnings() const;

  private:
    // The file at `path` when it is the loaded module's build, else null with a warning.
    std::unique_ptr<symbols::ModuleDebugInfo> openMatching(const std::string& module,
                                                           const std::string& path) const;
    // The file found by name below dirs_, else null with a warning.
    std::unique_ptr<symbols::ModuleDebugInfo> findByName(const std::string& module) const;

    std::vector<std::string> dirs_;
    std::span<const ModuleCode> loaded_;
    std::string release_;
    uint64_t nameOffset_;
    ModuleFileLocator byBuildId_;
    mutable std::mutex mutex_; // guards everything below
    // Canonical module name -> .ko path, from one search of `dirs_` on first use.
    mutable std::optional<std::unordered_map<std::string, std::string>> paths_;
    // Loaded module name -> its .ko, null when there is none or it is another build.
    mutable std::unordered_map<std::string, std::unique_ptr<symbols::ModuleDebugInfo>> opened_;
    mutable std::vector<std::string> dirWarnings_;
    mutable std::unordered_map<std::string, std::string> moduleWarnings_; // by module name
};

} // namespace panicscope::unwind
