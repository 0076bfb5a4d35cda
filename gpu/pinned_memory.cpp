#include "pinned_memory.h"

#include <cstdio>
#include <memory>

#include "check.h"

namespace nw::cuda {

PinnedHostAllocator& pinned_allocator() {
  static PinnedHostAllocator* allocator = new PinnedHostAllocator(
      {.allocate = [](size_t nbytes) -> void* {
         void* p = nullptr;
         // Portable: usable from every device's copies, not only the current one's.
         const cudaError_t err = cudaHostAlloc(&p, nbytes, cudaHostAllocPortable);
         if (err == cudaErrorMemoryAllocation) {
           cudaGetLastError();  // cleared: the allocator empties its cache and retries
           return nullptr;
         }
         if (err != cudaSuccess) throw_cuda_error(err, "cudaHostAlloc", __FILE__, __LINE__);
         return p;
       },
       // Reported, not thrown: this runs from empty_cache and the retry, whose callers may be
       // destructors; at process exit the runtime may already be gone.
       .free =
           [](void* p) {
             const cudaError_t err = cudaFreeHost(p);
             if (err != cudaSuccess) {
               cudaGetLastError();
               if (err != cudaErrorCudartUnloading)
                 std::fprintf(stderr, "netwright: cudaFreeHost failed: %s (%s)\n",
                              cudaGetErrorString(err), cudaGetErrorName(err));
             }
           },
       .name = "pinned host memory"});
  return *allocator;
}

Fence stream_fence(cudaStream_t stream) {
  cudaEvent_t event = nullptr;
  CUDA_CHECK(cudaEventCreateWithFlags(&event, cudaEventDisableTiming));
  const std::shared_ptr<CUevent_st> owned(event, [](cudaEvent_t e) { cudaEventDestroy(e); });
  CUDA_CHECK(cudaEventRecord(event, stream));
  return {[owned] {
    const cudaError_t err = cudaEventQuery(owned.get());
    if (err == cudaErrorNotReady) return false;
    // A failed copy will never finish reading the block either; a sticky error surfaces at the
    // next checked call, so the block is released rather than held forever.
    if (err != cudaSuccess) cudaGetLastError();
    return true;
  }};
}

}  // namespace nw::cuda
