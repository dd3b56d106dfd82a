// The replay driver: the fuzz target's LLVMFuzzerTestOneInput run once on every file of the
// directories (or files) given, in name order -- what the normal build and `ctest` run instead
// of libFuzzer, so the seed corpus and the regression inputs are replayed by g++ builds, and
// under ASan/UBSan in the sanitizer build. A crash is the finding; an empty directory is an
// error (a replay that replays nothing proves nothing). So is a peak RSS over kMaxRss: every input
// is small, and memory must stay bounded by what an input holds (plus the real dump bt_pages
// opens), never by the sizes it declares.
#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr long kMaxRssMiB = 2048; // ASan's shadow and quarantine on top
#else
constexpr long kMaxRssMiB = 1024;
#endif

std::vector<std::filesystem::path> inputsOf(const std::filesystem::path& where) {
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(where)) {
        for (const auto& entry : std::filesystem::recursive_directory_iterator(where))
            if (entry.is_regular_file() && entry.path().filename() != "README.md")
                files.push_back(entry.path());
    } else if (std::filesystem::is_regular_file(where)) {
        files.push_back(where);
    }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s DIR|FILE...  (runs the fuzz target on each input)\n",
                     argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    size_t replayed = 0;
    for (int i = 1; i < argc; ++i) {
        const auto files = inputsOf(argv[i]);
        for (const auto& file : files) {
            std::ifstream in(file, std::ios::binary);
            const std::string bytes((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>());
            std::fprintf(stderr, "replaying %s (%zu bytes)\n", file.c_str(), bytes.size());
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
        }
        replayed += files.size();
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const long peakMiB = usage.ru_maxrss / 1024;
    std::fprintf(stderr, "replayed %zu inputs without a crash, peak RSS %ld MiB\n", replayed,
                 peakMiB);
    if (replayed == 0) {
        std::fprintf(stderr, "no inputs found in the paths given\n");
        return 1;
    }
    if (peakMiB > kMaxRssMiB) {
        std::fprintf(stderr, "peak RSS %ld MiB is over the bound of %ld MiB\n", peakMiB,
                     kMaxRssMiB);
        return 1;
    }
    return 0;
}
