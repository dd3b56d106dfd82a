#include "options.h"

namespace panicscope::cli {

Result<Options> parseOptions(const std::vector<std::string>& argv) {
    Options o;
    std::vector<std::string> positional;
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        auto value = [&](const char* name) -> Result<std::string> {
            if (i + 1 >= argv.size())
                return fail(Errc::Usage, std::string(name) + " needs a value");
            return argv[++i];
        };
        auto valueAfterEquals = [&](const std::string& name) -> std::optional<std::string> {
            if (a.starts_with(name + "=")) return a.substr(name.size() + 1);
            return std::nullopt;
        };
        if (a == "-h" || a == "--help") {
            o.help = true;
        } else if (a == "--version") {
            o.version = true;
        } else if (a == "--json") {
            o.json = true;
        } else if (a == "-a") {
            o.activeTasks = true;
        } else if (a == "--all") {
            o.allTasks = true;
        } else if (a == "-l") {
            o.lines = true;
        } else if (a == "-o" && !positional.empty() && positional.front() == "list") {
            auto v = value("-o");
            if (!v) return tl::unexpected(v.error());
            o.listOffset = *v;
        } else if (a == "-o") {
            o.offsets = true;
        } else if (a == "-s") {
            auto v = value("-s");
            if (!v) return tl::unexpected(v.error());
            o.listStruct = *v;
        } else if (a == "-H") {
            o.listHead = true;
        } else if (a == "--vmlinux" || a == "--split" || a == "--debug-dir" ||
                   a == "--module-dir") {
            auto v = value(a.c_str());
            if (!v) return tl::unexpected(v.error());
            if (a == "--vmlinux")
                o.vmlinux = *v;
            else if (a == "--split")
                o.dumpPaths.push_back(*v);
            else if (a == "--module-dir")
                o.moduleDirs.push_back(*v);
            else
                o.debugDirs.push_back(*v);
        } else if (auto v = valueAfterEquals("--vmlinux")) {
            o.vmlinux = *v;
        } else if (auto v = valueAfterEquals("--split")) {
            o.dumpPaths.push_back(*v);
        } else if (auto v = valueAfterEquals("--debug-dir")) {
            o.debugDirs.push_back(*v);
        } else if (auto v = valueAfterEquals("--module-dir")) {
            o.moduleDirs.push_back(*v);
        } else if (a == "--") {
            positional.insert(positional.end(), argv.begin() + i + 1, argv.end());
            break;
        } else if (a.size() > 1 && a[0] == '-') {
            return fail(Errc::Usage, "unknown option '" + a + "'");
        } else {
            positional.push_back(a);
        }
    }
    if (o.help || o.version) {
        if (!positional.empty()) o.verb = positional.front(); // "panicscope VERB --help"
        return o;
    }
    if (positional.empty()) return fail(Errc::Usage, "no command given");
    o.verb = positional.front();
    positional.erase(positional.begin());
    if (positional.empty()) {
        if (o.verb == "entry-table" && o.vmlinux) return o; // reads the vmlinux alone
        return fail(Errc::Usage, o.verb + ": no dump file given");
    }
    o.dumpPaths.insert(o.dumpPaths.begin(), positional.back());
    positional.pop_back();
    o.args = positional;
    return o;
}

} // namespace panicscope::cli
