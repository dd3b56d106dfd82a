#include "unwind/module_debug_files.h"

namespace panicscope::unwind {
namespace {

const std::string kNoLines = ": no file:line for its frames";

} // namespace

ModuleDebugFiles::ModuleDebugFiles(std::vector<std::string> dirs,
                                   std::span<const ModuleCode> loaded, std::string release,
                                   uint64_t nameOffset, ModuleFileLocator byBuildId)
    : dirs_(std::move(dirs)), loaded_(loaded), release_(std::move(release)),
      nameOffset_(nameOffset), byBuildId_(std::move(byBuildId)) {}

std::vector<std::string> ModuleDebugFiles::warnings() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> all = dirWarnings_;
    for (const auto& m : loaded_)
        if (auto it = moduleWarnings_.find(m.name); it != moduleWarnings_.end())
            all.push_back(it->second);
    return all;
}

const symbols::ModuleDebugInfo* ModuleDebugFiles::find(const std::string& module) const {
    if (dirs_.empty() && !byBuildId_) return nullptr;
    std::lock_guard lock(mutex_);
    if (auto it = opened_.find(module); it != opened_.end()) return it->second.get();
    auto& slot = opened_[module]; // null until a matching .ko is found: asked once
    const ModuleCode* loaded = nullptr;
    for (const auto& m : loaded_)
        if (m.name == module) loaded = &m;
    std::optional<std::string> problem;
    if (byBuildId_ && loaded) {
        auto located = byBuildId_(*loaded);
        if (located.path) slot = openMatching(module, *located.path);
        if (slot) return slot.get();
        problem = located.problem;
    }
    if (!dirs_.empty()) slot = findByName(module);
    if (!slot && problem && !moduleWarnings_.contains(module))
        moduleWarnings_[module] = *problem + kNoLines;
    return slot.get();
}

std::unique_ptr<symbols::ModuleDebugInfo>
ModuleDebugFiles::findByName(const std::string& module) const {
    if (!paths_) paths_ = symbols::findModuleFiles(dirs_, dirWarnings_);
    const auto path = paths_->find(symbols::canonicalModuleName(module));
    if (path == paths_->end()) {
        moduleWarnings_[module] = ("no " + module + ".ko in the module directories" + kNoLines);
        return nullptr;
    }
    return openMatching(module, path->second);
}

std::unique_ptr<symbols::ModuleDebugInfo>
ModuleDebugFiles::openMatching(const std::string& module, const std::string& path) const {
    auto file = symbols::ModuleDebugInfo::open(path);
    if (!file) {
        moduleWarnings_[module] = (file.error().message + ": module " + module + kNoLines);
        return nullptr;
    }
    const ModuleCode* loaded = nullptr;
    for (const auto& m : loaded_)
        if (m.name == module) loaded = &m;
    if (auto mismatch =
            symbols::moduleBuildMismatch(**file, module, nameOffset_, release_,
                                         loaded ? loaded->symbols : symbols::SymbolTable())) {
        moduleWarnings_[module] = (path + " does not match the loaded module " + module + " (" +
                                   *mismatch + ")" + kNoLines);
        return nullptr;
    }
    moduleWarnings_.erase(module);
    return std::move(*file);
}

} // namespace panicscope::unwind
