// Device memory: plain cudaMalloc/cudaFree for now (a caching allocator comes with the full CUDA
// backend), and the guard that makes a tensor's device current around each call.
#include <cuda_runtime_api.h>

#include <string>

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
std::string mib(size_t bytes) {
  return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MiB";
}
}  // namespace

void* CudaBackend::allocate(size_t nbytes, int device_index) {
  DeviceGuard guard(device_index);
  void* p = nullptr;
  // One byte for empty tensors keeps every storage pointer distinct and non-null.
  const cudaError_t err = cudaMalloc(&p, nbytes ? nbytes : 1);
  if (err == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    size_t free_bytes = 0, total_bytes = 0;
    cudaMemGetInfo(&free_bytes, &total_bytes);
    throw DeviceError("allocate: out of memory on cuda:" + std::to_string(device_index) +
                      " allocating " + mib(nbytes) + " (" + mib(free_bytes) + " free of " +
                      mib(total_bytes) +
                      "); use a smaller batch size or free tensors you no longer need");
  }
  if (err != cudaSuccess) throw_cuda_error(err, "cudaMalloc", __FILE__, __LINE__);
  return p;
}

void CudaBackend::deallocate(void* ptr, int device_index) {
  // Runs from storage destructors, so it must not throw. cudaFree waits for the kernels that may
  // still use the memory. At process exit the runtime may already be gone
  // (cudaErrorCudartUnloading); then there is nothing left to free.
  if (!ptr) return;
  int previous = -1;
  const bool switched = cudaGetDevice(&previous) == cudaSuccess && previous != device_index &&
                        cudaSetDevice(device_index) == cudaSuccess;
  if (cudaFree(ptr) != cudaSuccess) cudaGetLastError();
  if (switched) cudaSetDevice(previous);
}

}  // namespace nw::cuda
