#include "unwind/module_debug_files.h"

namespace panicscope::unwind {

ModuleDebugFiles::ModuleDebugFiles(std::vector<std::string> dirs,
                                   std::span<const ModuleCode> loaded, std::string release,
                                   uint64_t nameOffset)
    : dirs_(std::move(dirs)), loaded_(loaded), release_(std::move(release)),
      nameOffset_(nameOffset) {}

std::vector<std::string> ModuleDebugFiles::warnings() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> all = dirWarnings_;
    for (const auto& m : loaded_)
        if (auto it = moduleWarnings_.find(m.name); it != moduleWarnings_.end())
            all.push_back(it->second);
    return all;
}

const symbols::ModuleDebugInfo* ModuleDebugFiles::find(const std::string& module) const {
    if (dirs_.empty()) return nullptr;
    std::lock_guard lock(mutex_);
    if (auto it = opened_.find(module); it != opened_.end()) return it->second.get();
    auto& slot = opened_[module]; // null until a matching .ko is found: asked once
    if (!paths_) paths_ = symbols::findModuleFiles(dirs_, dirWarnings_);
    const auto path = paths_->find(symbols::canonicalModuleName(module));
    const std::string noLines = ": no file:line for its frames";
    if (path == paths_->end()) {
        moduleWarnings_[module] = ("no " + module + ".ko in the module directories" + noLines);
        return nullptr;
    }
    auto file = symbols::ModuleDebugInfo::open(path->second);
    if (!file) {
        moduleWarnings_[module] = (file.error().message + ": module " + module + noLines);
        return nullptr;
    }
    const ModuleCode* loaded = nullptr;
    for (const auto& m : loaded_)
        if (m.name == module) loaded = &m;
    if (auto mismatch =
            symbols::moduleBuildMismatch(**file, module, nameOffset_, release_,
                                         loaded ? loaded->symbols : symbols::SymbolTable())) {
        moduleWarnings_[module] = (path->second + " does not match the loaded module " + module +
                                   " (" + *mismatch + ")" + noLines);
        return nullptr;
    }
    slot = std::move(*file);
    return slot.get();
}

} // namespace panicscope::unwind
