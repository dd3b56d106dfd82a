#include "model/module_file_locator.h"

#include "kernel/module_build_id.h"
#include "symbols/build_id.h"
#include "util/dump_text.h"

namespace panicscope::model {

unwind::ModuleFileLocator moduleFileLocator(const kernel::KernelView& view,
                                            std::vector<std::string> debugDirs,
                                            std::string debuginfodUrls, TextCallback note) {
    return [&view, dirs = std::move(debugDirs), urls = std::move(debuginfodUrls),
            note = std::move(note)](const unwind::ModuleCode& module) -> unwind::LocatedFile {
        // No build ID in memory (a kernel without sysfs notes): the search by name only.
        auto id = kernel::readModuleBuildId(view, module.address);
        if (!id) return {};
        std::vector<std::string> skipped;
        if (auto path =
                symbols::findFileWithBuildId(symbols::buildIdDebugPaths(*id, dirs), *id, skipped))
            return {*path, std::nullopt};
        if (urls.empty()) return {};
        auto fetched = fetchDebugFile(
            symbols::DebuginfodClient(urls), *id,
            "module " + escapeControlCharacters(module.name) + "'s debug file", {}, note);
        if (fetched) return {*fetched, std::nullopt};
        return {std::nullopt,
                fetched.error().message + " (module " + escapeControlCharacters(module.name) + ")"};
    };
}

} // namespace panicscope::model
