// Recently read pages of kernel virtual memory, in front of libkdumpfile. Walking thousands of
// task_structs and stacks makes ~20 small reads each; libkdumpfile's own cache is searched
// linearly and holds 1024 pages, so each read cost a search and, for a compressed dump, often a
// fresh inflate of its page. Here a read of a cached page is one hash lookup. Not thread-safe:
// DumpFile holds its read lock around it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_map>

namespace panicscope::dump {

class PageCache {
  public:
    static constexpr uint64_t kPageSize = 4096;
    explicit PageCache(size_t capacity = 8192) : capacity_(capacity) {} // 32 MiB

    using Page = std::array<std::byte, kPageSize>;
    // The cached page at a page-aligned address, or null.
    const Page* find(uint64_t pageAddress) const {
        auto it = pages_.find(pageAddress);
        return it == pages_.end() ? nullptr : it->second.get();
    }
    // Keeps a page, dropping the oldest one when full.
    void insert(uint64_t pageAddress, std::unique_ptr<Page> page) {
        if (pages_.size() >= capacity_ && !order_.empty()) {
            pages_.erase(order_.front());
            order_.pop_front();
        }
        if (pages_.emplace(pageAddress, std::move(page)).second) order_.push_back(pageAddress);
    }
    void clear() {
        pages_.clear();
        order_.clear();
    }

  private:
    size_t capacity_;
    std::unordered_map<uint64_t, std::unique_ptr<Page>> pages_;
    std::deque<uint64_t> order_; // insertion order, for eviction
};

} // namespace panicscope::dump
