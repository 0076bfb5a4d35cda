#pragma once
// Pinned host memory for the plugin's asynchronous copies: one process-wide caching allocator
// (core/backend/pinned_host_allocator.h) over cudaHostAlloc and cudaFreeHost, and fences made
// of CUDA events, so that a staging block is reused only after the copy that reads it is done.
//
//   void* staging = pinned_allocator().allocate(nbytes);
//   std::memcpy(staging, host, nbytes);
//   cudaMemcpyAsync(device, staging, nbytes, cudaMemcpyHostToDevice, stream);
//   pinned_allocator().record_use(staging, stream_fence(stream));
//   pinned_allocator().deallocate(staging);  // the host goes on at once
#include <cuda_runtime_api.h>

#include "backend/pinned_host_allocator.h"

namespace nw::cuda {

// Never destroyed: blocks may be freed by statics after any static allocator would be gone.
PinnedHostAllocator& pinned_allocator();
// An event recorded on `stream` now; done() once the stream has passed it. The event is
// destroyed with the last copy of the fence.
Fence stream_fence(cudaStream_t stream);

}  // namespace nw::cuda
