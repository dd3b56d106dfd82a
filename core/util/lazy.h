// A value computed on first use, once, even when several threads ask at the same time; a failure
// is kept like a value (asking again gives the same error).
#pragma once

#include "util/result.h"

#include <mutex>
#include <optional>

namespace panicscope {

template <class T> class Lazy {
  public:
    // `make` returns Result<T> (or T); it runs at most once, under this value's own lock.
    template <class Make> const Result<T>& get(Make&& make) const {
        std::lock_guard lock(mutex_);
        if (!value_) value_.emplace(make());
        return *value_;
    }
    // The value if it has been computed and succeeded, else null; never computes.
    const T* peek() const {
        std::lock_guard lock(mutex_);
        return value_ && *value_ ? &**value_ : nullptr;
    }

  private:
    mutable std::mutex mutex_;
    mutable std::optional<Result<T>> value_;
};

} // namespace panicscope
