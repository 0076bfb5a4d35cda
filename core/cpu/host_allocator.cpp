#include "cpu/host_allocator.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace nw {

namespace {

constexpr size_t kAlign = 64;                    // a cache line, and what AVX-512 loads want
constexpr size_t kLargeBlock = size_t(1) << 20;  // below this the C allocator is fast enough
constexpr size_t kGranule = size_t(1) << 16;     // large sizes round up to 64 KiB

struct Cache {
  std::mutex mu;
  std::multimap<size_t, void*> free;       // rounded size -> block
  std::unordered_map<void*, size_t> live;  // large blocks in use -> rounded size
  size_t cached = 0, limit = size_t(1) << 30, hits = 0, misses = 0;
};

Cache& cache() {
  static Cache* c = new Cache;  // never destroyed: tensors may outlive static destruction order
  return *c;
}

void* system_alloc(size_t bytes) {
  void* p = std::aligned_alloc(kAlign, bytes);
  if (!p) throw std::bad_alloc();
  return p;
}

void release_free_blocks(Cache& c, size_t keep) {
  while (c.cached > keep && !c.free.empty()) {
    auto it = std::prev(c.free.end());  // largest first
    c.cached -= it->first;
    std::free(it->second);
    c.free.erase(it);
  }
}

}  // namespace

void* host_allocate(size_t nbytes) {
  if (nbytes < kLargeBlock)
    return system_alloc(std::max(kAlign, (nbytes + kAlign - 1) / kAlign * kAlign));
  const size_t rounded = (nbytes + kGranule - 1) / kGranule * kGranule;
  Cache& c = cache();
  {
    std::lock_guard<std::mutex> lock(c.mu);
    // Reuse a cached block of the same size, or one at most 1/8 larger.
    auto it = c.free.lower_bound(rounded);
    if (it != c.free.end() && it->first <= rounded + rounded / 8) {
      void* p = it->second;
      c.cached -= it->first;
      c.live[p] = it->first;
      c.free.erase(it);
      ++c.hits;
      return p;
    }
    ++c.misses;
  }
  void* p;
  try {
    p = system_alloc(rounded);
  } catch (const std::bad_alloc&) {
    host_empty_cache();  // memory may be sitting in the cache: give it back and try once more
    p = system_alloc(rounded);
  }
  std::lock_guard<std::mutex> lock(c.mu);
  c.live[p] = rounded;
  return p;
}

void host_deallocate(void* ptr) {
  if (!ptr) return;
  Cache& c = cache();
  std::unique_lock<std::mutex> lock(c.mu);
  auto it = c.live.find(ptr);
  if (it == c.live.end()) {
    lock.unlock();
    std::free(ptr);
    return;
  }
  const size_t size = it->second;
  c.live.erase(it);
  if (size > c.limit) {
    std::free(ptr);
    return;
  }
  c.free.emplace(size, ptr);
  c.cached += size;
  release_free_blocks(c, c.limit);
}

HostCacheStats host_cache_stats() {
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mu);
  return {c.cached, c.hits, c.misses};
}

void set_host_cache_limit(size_t bytes) {
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mu);
  c.limit = bytes;
  release_free_blocks(c, bytes);
}

void host_empty_cache() {
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mu);
  release_free_blocks(c, 0);
}

}  // namespace nw
