// Puts results that arrive out of order, from several threads, back in order: put(i, value)
// from any thread; `emit` sees index 0, 1, 2, ... in turn, one at a time.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>

namespace panicscope {

template <class T> class OrderedWriter {
  public:
    explicit OrderedWriter(std::function<void(size_t index, T& value)> emit)
        : emit_(std::move(emit)) {}

    void put(size_t index, T value) {
        std::lock_guard lock(mutex_);
        pending_.emplace(index, std::move(value));
        for (auto it = pending_.begin(); it != pending_.end() && it->first == next_;
             it = pending_.erase(it), ++next_)
            emit_(it->first, it->second);
    }

  private:
    std::function<void(size_t, T&)> emit_;
    std::mutex mutex_;
    std::map<size_t, T> pending_;
    size_t next_ = 0;
};

} // namespace panicscope
