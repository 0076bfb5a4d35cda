#pragma once
// A caching allocator for device memory, written against two plain functions (raw allocate and
// raw free) so that its bookkeeping is plain C++ the CPU suite tests with a fake device; the
// CUDA plugin gives it cudaMalloc and cudaFree.
//
// Freed blocks are kept in size-binned free lists, one set per stream, and handed out again for
// a request of the same rounded size on the same stream: a training step whose shapes repeat
// allocates nothing new after its first run. Memory goes back to the device on empty_cache(),
// and by itself when a raw allocation fails (the cache is emptied and the allocation retried
// once before out-of-memory is reported).
//
//   CachingAllocator cache({.allocate = raw_malloc, .free = raw_free, .memory = device_memory});
//   void* p = cache.allocate(4096, stream);
//   cache.deallocate(p);          // kept for the next 4096-byte request on `stream`
//   cache.stats().reserved;       // what the device has given us, cached blocks included
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace nw {

struct MemoryStats {
  size_t allocated = 0;       // bytes in blocks handed out now (rounded sizes)
  size_t reserved = 0;        // bytes taken from the device: handed out plus cached
  size_t peak_allocated = 0;  // the largest `allocated` since the last reset_peaks()
  size_t peak_reserved = 0;
  int64_t device_allocs = 0;  // raw allocations made since the start
  int64_t device_frees = 0;
  int64_t cache_hits = 0;  // requests served from a free list
};

class CachingAllocator {
 public:
  struct Device {
    std::function<void*(size_t nbytes)> allocate;  // nullptr when the device is out of memory
    std::function<void(void* ptr)> free;
    // Free and total bytes of the device, for the out-of-memory message.
    std::function<std::pair<size_t, size_t>()> memory;
    std::string name = "device";  // "cuda:0", in messages
  };

  explicit CachingAllocator(Device device);
  // Returns the cached blocks. Blocks still in use stay with their tensors: a device plugin keeps
  // its allocator alive for the whole process, since tensors may outlive any static.
  ~CachingAllocator();
  CachingAllocator(const CachingAllocator&) = delete;
  CachingAllocator& operator=(const CachingAllocator&) = delete;

  // Throws DeviceError when the device cannot give `nbytes` even with the cache emptied: the
  // message names the request, the device's free memory and what is held by tensors.
  void* allocate(size_t nbytes, uintptr_t stream = 0);
  // Back to its stream's free list. Null is ignored; a pointer this allocator did not hand out is
  // a programming error and aborts the process's use of it (std::logic_error).
  void deallocate(void* ptr);
  // Every cached block back to the device; blocks in use are untouched.
  void empty_cache();

  MemoryStats stats() const;
  void reset_peaks();

  // Requests are rounded up to a size class: 512-byte multiples below 1 MiB, 2 MiB multiples
  // above, so that nearby sizes share a list and reuse stays exact.
  static size_t round_size(size_t nbytes);

 private:
  struct Block {
    size_t size;
    uintptr_t stream;
  };
  void* allocate_locked(size_t size, uintptr_t stream);
  void release_cached_locked();

  Device device_;
  mutable std::mutex mutex_;
  // (stream, size) -> cached blocks of exactly that rounded size.
  std::multimap<std::pair<uintptr_t, size_t>, void*> free_;
  std::unordered_map<void*, Block> in_use_;
  MemoryStats stats_;
};

}  // namespace nw
