#include "symbols/vmlinux.h"

namespace panicscope::symbols {

std::vector<std::string> vmlinuxCandidates(const std::string& release,
                                           const std::vector<std::string>& debugDirs) {
    std::vector<std::string> out;
    for (std::string dir : debugDirs) {
        while (dir.size() > 1 && dir.back() == '/')
            dir.pop_back();
        out.push_back(dir + "/vmlinux-" + release);
        out.push_back(dir + "/vmlinux");
        out.push_back(dir + "/boot/vmlinux-" + release);
        out.push_back(dir + "/lib/modules/" + release + "/vmlinux");
    }
    out.push_back("/usr/lib/debug/boot/vmlinux-" + release);
    out.push_back("/usr/lib/debug/lib/modules/" + release + "/vmlinux");
    out.push_back("/boot/vmlinux-" + release);
    out.push_back("/lib/modules/" + release + "/build/vmlinux");
    return out;
}

} // namespace panicscope::symbols
