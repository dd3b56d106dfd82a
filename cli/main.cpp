// panicscope: the command-line front end. Everything happens in cli::run().
#include "cli.h"

#include <iostream>
#include <unistd.h>

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    const std::vector<std::string> args(argv + 1, argv + argc);
#ifdef __SANITIZE_ADDRESS__
    constexpr bool exitsAfter = false; // LeakSanitizer would report what the exit frees
#else
    constexpr bool exitsAfter = true;
#endif
    return panicscope::cli::run(args, std::cout, std::cerr, ::isatty(STDERR_FILENO) == 1,
                                exitsAfter);
}
