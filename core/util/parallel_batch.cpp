#include "util/parallel_batch.h"

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

namespace panicscope {

BatchResult runParallel(size_t count, const std::function<void(size_t)>& work,
                        const std::function<void(size_t, size_t)>& progress,
                        const std::function<bool()>& cancelled, unsigned threads) {
    std::atomic<size_t> next{0};
    std::atomic<bool> stopped{false};
    std::mutex progressLock;
    BatchResult result;
    auto worker = [&] {
        for (size_t i; (i = next.fetch_add(1)) < count;) {
            if (stopped || (cancelled && cancelled())) {
                stopped = true;
                return;
            }
            work(i);
            std::lock_guard lock(progressLock);
            ++result.done;
            if (progress) progress(result.done, count);
        }
    };
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    const size_t n = std::min<size_t>(threads, count);
    std::vector<std::thread> pool;
    for (size_t i = 1; i < n; ++i)
        pool.emplace_back(worker);
    if (count > 0) worker();
    for (auto& t : pool)
        t.join();
    result.cancelled = stopped;
    return result;
}

} // namespace panicscope
