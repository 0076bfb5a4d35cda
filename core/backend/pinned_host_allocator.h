#pragma once
// A caching allocator for pinned (page-locked) host memory, the staging buffers that let a
// host-to-device copy run asynchronously beside compute. Pinning is slow (cudaHostAlloc maps and
// locks every page, milliseconds for a batch), so freed blocks are kept and handed out again,
// as PyTorch's CachingHostAllocator does. The trap is reuse too early: a block whose copy is
// still in flight on a stream must not be handed out and overwritten, so every use by an
// asynchronous copy is recorded as a Fence, and a freed block returns to the free lists only
// when all of its fences have passed.
//
// Plain C++ over injected raw functions: the CUDA plugin gives it cudaHostAlloc/cudaFreeHost and
// fences made of CUDA events; the CPU suite gives it malloc and fences it signals by hand.
//
//   PinnedHostAllocator pinned({.allocate = host_alloc, .free = free_host});
//   void* p = pinned.allocate(batch_bytes);
//   copy_async(device_ptr, p, batch_bytes, stream);
//   pinned.record_use(p, event_fence(stream));
//   pinned.deallocate(p);   // reused once the copy has finished
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace nw {

// Something queued on a stream that the host can poll: done() is true once it has passed. It
// must not call back into the allocator; its destructor releases what it holds (an event).
struct Fence {
  std::function<bool()> done;
};

struct PinnedHostStats {
  size_t allocated = 0;  // bytes in blocks handed out now (rounded sizes)
  size_t reserved = 0;   // bytes pinned: handed out, cached, or awaiting fences
  size_t peak_reserved = 0;
  size_t awaiting = 0;     // freed blocks whose copies have not finished yet
  int64_t raw_allocs = 0;  // pinning calls since the start
  int64_t raw_frees = 0;
  int64_t cache_hits = 0;  // requests served from a free list
};

class PinnedHostAllocator {
 public:
  struct Raw {
    std::function<void*(size_t nbytes)> allocate;  // nullptr when it cannot pin that much
    std::function<void(void* ptr)> free;
    std::string name = "pinned host memory";  // in messages
  };

  explicit PinnedHostAllocator(Raw raw);
  // Unpins the cached blocks. Blocks still handed out or awaiting fences are left alone: they
  // may still be read by a copy, and the plugin keeps its allocator for the whole process.
  ~PinnedHostAllocator();
  PinnedHostAllocator(const PinnedHostAllocator&) = delete;
  PinnedHostAllocator& operator=(const PinnedHostAllocator&) = delete;

  // A block of at least nbytes, reused when a freed one of the same size class has no copy in
  // flight. Throws DeviceError naming the size and what the cache holds when pinning fails even
  // after the cache was emptied.
  void* allocate(size_t nbytes);
  // An asynchronous copy reading or writing the block that starts at ptr is queued; the block
  // is not reused until fence.done(). Throws std::logic_error for a pointer not handed out.
  void record_use(void* ptr, Fence fence);
  // Back to the cache: to the free list now when its fences have passed, else when they do.
  // Null is ignored; a pointer not handed out throws std::logic_error.
  void deallocate(void* ptr);
  // Unpins every free block (and every awaiting block whose fences have passed).
  void empty_cache();

  // Whether ptr lies in a block handed out now (a copy can then run asynchronously from it).
  bool is_pinned(const void* ptr) const;
  PinnedHostStats stats() const;

  // Power-of-two size classes from 512 bytes: a loader's batches repeat one size, and a last,
  // smaller batch still fits a class already pinned for some earlier request. Throws DeviceError
  // for a size no power of two can hold.
  static size_t round_size(size_t nbytes);

 private:
  struct Block {
    size_t size = 0;
    bool in_use = false;
    std::vector<Fence> fences;  // uses not known to have finished
  };
  void collect_finished_locked();  // awaiting blocks whose fences passed -> free lists
  void release_free_locked();

  Raw raw_;
  mutable std::mutex mutex_;
  std::map<void*, Block> blocks_;      // every pinned block held, by address
  std::multimap<size_t, void*> free_;  // size -> reusable blocks
  std::vector<void*> awaiting_;        // freed, fences pending
  PinnedHostStats stats_;
};

}  // namespace nw
