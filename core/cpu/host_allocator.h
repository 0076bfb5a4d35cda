#pragma once
// Host memory for tensors. Large blocks are kept on free lists after use and handed out again,
// because a fresh multi-megabyte block costs a page fault per 4 KiB on first touch — that, not
// the arithmetic, dominates a big elementwise op or a training step. Small blocks go straight
// to the C allocator.
#include <cstddef>

namespace nw {

void* host_allocate(size_t nbytes);
void host_deallocate(void* ptr);

struct HostCacheStats {
  size_t cached_bytes = 0;  // free blocks held for reuse
  size_t hits = 0;
  size_t misses = 0;
};
HostCacheStats host_cache_stats();
// The most bytes the cache may hold (default 1 GiB); 0 disables caching.
void set_host_cache_limit(size_t bytes);
void host_empty_cache();  // returns every cached block to the system

}  // namespace nw
