#include "backend/caching_allocator.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "tensor/errors.h"

namespace nw {

namespace {

constexpr size_t kSmallStep = 512;
constexpr size_t kLargeStep = size_t(2) << 20;
constexpr size_t kLargeFrom = size_t(1) << 20;

size_t round_up(size_t n, size_t step) {
  return (n + step - 1) / step * step;
}

std::string mib(size_t bytes) {
  const double m = double(bytes) / double(1 << 20);
  char text[32];
  std::snprintf(text, sizeof text, m < 10 ? "%.1f MiB" : "%.0f MiB", m);
  return text;
}

}  // namespace

CachingAllocator::CachingAllocator(Device device) : device_(std::move(device)) {}

CachingAllocator::~CachingAllocator() {
  std::lock_guard<std::mutex> lock(mutex_);
  release_cached_locked();
}

size_t CachingAllocator::round_size(size_t nbytes) {
  if (nbytes == 0) return kSmallStep;  // distinct, non-null storage for empty tensors
  return nbytes < kLargeFrom ? round_up(nbytes, kSmallStep) : round_up(nbytes, kLargeStep);
}

void* CachingAllocator::allocate(size_t nbytes, uintptr_t stream) {
  std::lock_guard<std::mutex> lock(mutex_);
  return allocate_locked(round_size(nbytes), stream);
}

void* CachingAllocator::allocate_locked(size_t size, uintptr_t stream) {
  void* ptr = nullptr;
  if (auto it = free_.find({stream, size}); it != free_.end()) {
    ptr = it->second;
    free_.erase(it);
    ++stats_.cache_hits;
  } else {
    ptr = device_.allocate(size);
    if (!ptr && !free_.empty()) {
      // Cached blocks of other sizes or streams are memory too: give them back and try again.
      release_cached_locked();
      ptr = device_.allocate(size);
    }
    if (!ptr) {
      const auto [free_bytes, total_bytes] =
          device_.memory ? device_.memory() : std::pair<size_t, size_t>{0, 0};
      throw DeviceError("out of memory on " + device_.name + ": allocating " + mib(size) +
                        " with " + mib(free_bytes) + " free of " + mib(total_bytes) + " (" +
                        mib(stats_.allocated) +
                        " held by tensors); use a smaller batch size or a smaller network");
    }
    ++stats_.device_allocs;
    stats_.reserved += size;
    stats_.peak_reserved = std::max(stats_.peak_reserved, stats_.reserved);
  }
  in_use_.emplace(ptr, Block{size, stream});
  stats_.allocated += size;
  stats_.peak_allocated = std::max(stats_.peak_allocated, stats_.allocated);
  return ptr;
}

void CachingAllocator::deallocate(void* ptr) {
  if (!ptr) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = in_use_.find(ptr);
  if (it == in_use_.end())
    throw std::logic_error("CachingAllocator::deallocate: not a block of " + device_.name);
  const Block block = it->second;
  in_use_.erase(it);
  stats_.allocated -= block.size;
  free_.emplace(std::make_pair(block.stream, block.size), ptr);
}

void CachingAllocator::empty_cache() {
  std::lock_guard<std::mutex> lock(mutex_);
  release_cached_locked();
}

void CachingAllocator::release_cached_locked() {
  for (auto& [key, ptr] : free_) {
    device_.free(ptr);
    stats_.reserved -= key.second;
    ++stats_.device_frees;
  }
  free_.clear();
}

MemoryStats CachingAllocator::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void CachingAllocator::reset_peaks() {
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.peak_allocated = stats_.allocated;
  stats_.peak_reserved = stats_.reserved;
}

}  // namespace nw
