#include "backend/pinned_host_allocator.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "tensor/errors.h"

namespace nw {

namespace {

constexpr size_t kMinBlock = 512;

// Drops the fences that have passed; true when none is left.
bool fences_passed(std::vector<Fence>& fences) {
  fences.erase(
      std::remove_if(fences.begin(), fences.end(), [](const Fence& f) { return f.done(); }),
      fences.end());
  return fences.empty();
}

}  // namespace

PinnedHostAllocator::PinnedHostAllocator(Raw raw) : raw_(std::move(raw)) {}

PinnedHostAllocator::~PinnedHostAllocator() {
  std::lock_guard<std::mutex> lock(mutex_);
  collect_finished_locked();
  release_free_locked();
}

size_t PinnedHostAllocator::round_size(size_t nbytes) {
  if (nbytes > (std::numeric_limits<size_t>::max() >> 1) + 1)
    throw DeviceError("pinned host memory: a request of " + std::to_string(nbytes) +
                      " bytes is beyond any size class");
  size_t size = kMinBlock;
  while (size < nbytes) size <<= 1;
  return size;
}

void* PinnedHostAllocator::allocate(size_t nbytes) {
  const size_t size = round_size(nbytes);
  std::lock_guard<std::mutex> lock(mutex_);
  collect_finished_locked();
  void* ptr = nullptr;
  if (auto it = free_.find(size); it != free_.end()) {
    ptr = it->second;
    free_.erase(it);
    ++stats_.cache_hits;
  } else {
    ptr = raw_.allocate(size);
    if (!ptr && !free_.empty()) {
      release_free_locked();  // other sizes are pinned memory too
      ptr = raw_.allocate(size);
    }
    if (!ptr)
      throw DeviceError(raw_.name + ": cannot pin " + std::to_string(size) + " bytes (" +
                        std::to_string(stats_.reserved) + " bytes pinned already, " +
                        std::to_string(stats_.allocated) +
                        " of them in use); lower the batch size or the number of prefetched "
                        "batches");
    blocks_[ptr].size = size;
    ++stats_.raw_allocs;
    stats_.reserved += size;
    stats_.peak_reserved = std::max(stats_.peak_reserved, stats_.reserved);
  }
  Block& b = blocks_.at(ptr);
  b.in_use = true;
  stats_.allocated += b.size;
  return ptr;
}

void PinnedHostAllocator::record_use(void* ptr, Fence fence) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = blocks_.find(ptr);
  if (it == blocks_.end() || !it->second.in_use)
    throw std::logic_error(
        "PinnedHostAllocator::record_use: the pointer is not a block handed "
        "out by this allocator");
  it->second.fences.push_back(std::move(fence));
}

void PinnedHostAllocator::deallocate(void* ptr) {
  if (!ptr) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = blocks_.find(ptr);
  if (it == blocks_.end() || !it->second.in_use)
    throw std::logic_error(
        "PinnedHostAllocator::deallocate: the pointer is not a block handed "
        "out by this allocator (or was freed twice)");
  Block& b = it->second;
  b.in_use = false;
  stats_.allocated -= b.size;
  if (fences_passed(b.fences)) {
    free_.emplace(b.size, ptr);
  } else {
    awaiting_.push_back(ptr);
    ++stats_.awaiting;
  }
}

void PinnedHostAllocator::empty_cache() {
  std::lock_guard<std::mutex> lock(mutex_);
  collect_finished_locked();
  release_free_locked();
}

bool PinnedHostAllocator::is_pinned(const void* ptr) const {
  std::lock_guard<std::mutex> lock(mutex_);
  // The block starting at or before ptr is the only one that can hold it.
  auto it = blocks_.upper_bound(const_cast<void*>(ptr));
  if (it == blocks_.begin()) return false;
  --it;
  const auto offset = static_cast<const char*>(ptr) - static_cast<const char*>(it->first);
  return it->second.in_use && static_cast<size_t>(offset) < it->second.size;
}

PinnedHostStats PinnedHostAllocator::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void PinnedHostAllocator::collect_finished_locked() {
  auto keep = awaiting_.begin();
  for (void* ptr : awaiting_) {
    Block& b = blocks_.at(ptr);
    if (fences_passed(b.fences)) {
      free_.emplace(b.size, ptr);
      --stats_.awaiting;
    } else {
      *keep++ = ptr;
    }
  }
  awaiting_.erase(keep, awaiting_.end());
}

void PinnedHostAllocator::release_free_locked() {
  for (const auto& [size, ptr] : free_) {
    raw_.free(ptr);
    blocks_.erase(ptr);
    ++stats_.raw_frees;
    stats_.reserved -= size;
  }
  free_.clear();
}

}  // namespace nw
