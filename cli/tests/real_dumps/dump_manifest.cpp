#include "dump_manifest.h"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace panicscope::testing {

namespace {

std::string manifestPath() {
    if (const char* env = std::getenv("PANICSCOPE_MANIFEST"); env && *env) return env;
    std::ifstream pointer(PANICSCOPE_MANIFEST_POINTER);
    std::string path;
    if (pointer && std::getline(pointer, path) && !path.empty()) return path;
    throw std::runtime_error("no generated dumps: run testdata/generate.sh and set "
                             "PANICSCOPE_MANIFEST, or run ctest (its generate_dumps fixture "
                             "writes " PANICSCOPE_MANIFEST_POINTER ")");
}

std::vector<DumpRow> readRows() {
    const std::string path = manifestPath();
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read the dump manifest " + path);
    std::vector<DumpRow> rows;
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        DumpRow r;
        for (std::string* f :
             {&r.kernel, &r.scenario, &r.method, &r.format, &r.dump, &r.console, &r.vmlinux})
            std::getline(fields, *f, '\t');
        if (!r.vmlinux.empty()) rows.push_back(r);
    }
    return rows;
}

} // namespace

const std::vector<DumpRow>& manifestRows() {
    static const std::vector<DumpRow> rows = readRows();
    return rows;
}

std::vector<DumpCase> generatedCases() {
    std::vector<DumpCase> cases;
    for (const char* kernel : kKernels) {
        for (const char* scenario : {"process", "irq", "nmi"}) {
            for (const char* format : {"elf", "qemu-kdump-zlib", "mdf-zlib", "mdf-lzo", "mdf-none"})
                cases.push_back({kernel, scenario, "qemu", format});
            cases.push_back({kernel, scenario, "kdump", "kdump-zlib"});
        }
        if (kernel == std::string_view(kFramePointerKernel)) continue; // built without modules
        for (const char* mode : {"mod-null", "mod-nullcall", "mod-bug", "mod-timer", "mod-hrtimer",
                                 "mod-softlockup", "mod-hungtask", "mod-overflow"})
            cases.push_back({kernel, mode, "kdump", "kdump-zlib"});
    }
    return cases;
}

std::string caseName(const DumpCase& c) {
    // "6.12.117+deb12-cloud-amd64" -> "k6_12": the kernel's major.minor is enough to tell the
    // Debian kernels apart; the frame-pointer kernel is "fp6_1".
    std::string kernel = c.kernel;
    kernel = kernel.substr(0, kernel.find('.', kernel.find('.') + 1));
    const char* prefix = c.kernel == std::string_view(kFramePointerKernel) ? "fp" : "k";
    std::string name = prefix + kernel + "_" + c.scenario + "_" + c.method + "_" + c.format;
    for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return name;
}

const DumpRow& manifestRow(const std::string& kernel, const std::string& scenario,
                           const std::string& method, const std::string& format) {
    for (const auto& r : manifestRows())
        if (r.kernel == kernel && r.scenario == scenario && r.method == method &&
            r.format == format)
            return r;
    throw std::runtime_error("the dump manifest has no " + kernel + " " + scenario + "-" + method +
                             " " + format + " dump");
}

const DumpRow& manifestRow(const std::string& scenario, const std::string& method,
                           const std::string& format) {
    return manifestRow(kMainKernel, scenario, method, format);
}

} // namespace panicscope::testing
