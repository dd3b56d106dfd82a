// Runs `work(i)` for i in [0, count) on every core, with progress and a cancel flag: the
// engine of Session::backtraces (and of any batch a front end runs over tasks).
#pragma once

#include <atomic>
#include <functional>

namespace panicscope {

struct BatchResult {
    size_t done = 0;        // how many work(i) ran to the end
    bool cancelled = false; // `cancelled()` said stop before every item ran
};

// `work` runs on up to `threads` threads (0: one per core), each item once; `progress(done,
// count)` after each item, serialised; `cancelled` is asked before each item.
BatchResult runParallel(size_t count, const std::function<void(size_t)>& work,
                        const std::function<void(size_t, size_t)>& progress = {},
                        const std::function<bool()>& cancelled = {}, unsigned threads = 0);

} // namespace panicscope
