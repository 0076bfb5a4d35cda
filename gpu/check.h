#pragma once
// CUDA_CHECK(call): turns a failed CUDA runtime call into nw::DeviceError naming the call, the
// place and CUDA's own description. Library code throws; it never exits the process.
#include <cuda_runtime_api.h>

#include <string>

#include "tensor/errors.h"

namespace nw::cuda {

[[noreturn]] inline void throw_cuda_error(cudaError_t err, const char* call, const char* file,
                                          int line) {
  // Clears the error so the next call does not report it again (sticky errors stay regardless).
  cudaGetLastError();
  throw DeviceError(std::string("CUDA error: ") + call + " failed at " + file + ":" +
                    std::to_string(line) + " with " + cudaGetErrorName(err) + " (" +
                    cudaGetErrorString(err) + ")");
}

}  // namespace nw::cuda

#define CUDA_CHECK(call)                                                     \
  do {                                                                       \
    const cudaError_t nw_cuda_err_ = (call);                                 \
    if (nw_cuda_err_ != cudaSuccess)                                         \
      ::nw::cuda::throw_cuda_error(nw_cuda_err_, #call, __FILE__, __LINE__); \
  } while (0)

// After a kernel launch: reports a bad launch configuration or a missing kernel image.
#define CUDA_CHECK_LAUNCH() CUDA_CHECK(cudaGetLastError())
