// Device memory through the caching allocator (core/backend/caching_allocator.h) over cudaMalloc
// and cudaFree, and the guard that makes a tensor's device current around each call.
#include <cuda_runtime_api.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <string>
#include <vector>

#include "check.h"
#include "cuda_backend.h"

namespace nw::cuda {

DeviceGuard::DeviceGuard(int device) : device_(device) {
  CUDA_CHECK(cudaGetDevice(&previous_));
  if (previous_ != device_) CUDA_CHECK(cudaSetDevice(device_));
}

DeviceGuard::~DeviceGuard() {
  if (previous_ != device_) cudaSetDevice(previous_);
}

namespace {

// One allocator per device, made on first use and never destroyed: tensors held by statics may
// be freed after any static allocator would be gone.
CachingAllocator& allocator_for(int device) {
  static std::mutex mutex;
  static std::vector<CachingAllocator*> allocators;
  std::lock_guard<std::mutex> lock(mutex);
  if (size_t(device) >= allocators.size()) allocators.resize(size_t(device) + 1, nullptr);
  CachingAllocator*& a = allocators[size_t(device)];
  if (!a) {
    a = new CachingAllocator(
        {.allocate = [device](size_t nbytes) -> void* {
           DeviceGuard guard(device);
           void* p = nullptr;
           const cudaError_t err = cudaMalloc(&p, nbytes);
           if (err == cudaErrorMemoryAllocation) {
             cudaGetLastError();  // clear it: the allocator retries or reports
             return nullptr;
           }
           if (err != cudaSuccess) throw_cuda_error(err, "cudaMalloc", __FILE__, __LINE__);
           return p;
         },
         // cudaFree waits for the kernels that may still use the block. At process exit the
         // runtime may already be gone (cudaErrorCudartUnloading): nothing left to free then.
         // Any other failure is reported, not thrown: this runs from empty_cache and from the
         // out-of-memory retry, whose callers may be destructors.
         .free =
             [device](void* p) {
               int previous = -1;
               const bool switched = cudaGetDevice(&previous) == cudaSuccess &&
                                     previous != device && cudaSetDevice(device) == cudaSuccess;
               const cudaError_t err = cudaFree(p);
               if (err != cudaSuccess) {
                 cudaGetLastError();
                 if (err != cudaErrorCudartUnloading)
                   std::fprintf(stderr, "netwright: cudaFree on cuda:%d failed: %s (%s)\n", device,
                                cudaGetErrorString(err), cudaGetErrorName(err));
               }
               if (switched) cudaSetDevice(previous);
             },
         .memory =
             [device] {
               DeviceGuard guard(device);
               size_t free_bytes = 0, total_bytes = 0;
               if (cudaMemGetInfo(&free_bytes, &total_bytes) != cudaSuccess) cudaGetLastError();
               return std::pair<size_t, size_t>{free_bytes, total_bytes};
             },
         .name = "cuda:" + std::to_string(device)});
  }
  return *a;
}

}  // namespace

// NOTE: every kernel and copy runs on the device's legacy default stream, in order, so a block
// freed by one op can be handed to the next at once (stream 0 of the allocator).
void* CudaBackend::allocate(size_t nbytes, int device_index) {
  return allocator_for(device_index).allocate(nbytes);
}

void CudaBackend::deallocate(void* ptr, int device_index) {
  // Runs from storage destructors, so nothing may propagate. The allocator refuses only a pointer
  // it did not hand out or has taken back already: a double free or a foreign pointer, so its
  // books no longer match the device's and carrying on would hand one block to two tensors.
  // That is a bug in Netwright, not a user error: say what happened and stop.
  try {
    allocator_for(device_index).deallocate(ptr);
  } catch (const std::exception& e) {
    std::fprintf(stderr,
                 "netwright: fatal: freeing %p on cuda:%d: %s (a double free or a pointer from "
                 "elsewhere); please report this with the steps that led to it\n",
                 ptr, device_index, e.what());
    std::abort();
  }
}

MemoryStats CudaBackend::memory_stats(int device_index) const {
  return allocator_for(device_index).stats();
}

void CudaBackend::empty_cache(int device_index) {
  allocator_for(device_index).empty_cache();
}

}  // namespace nw::cuda
