#pragma once
// What every cuDNN layer kernel needs: CUDNN_CHECK, one handle per device used under a lock (a
// handle must not serve two threads at once), tensor and filter descriptors for contiguous NCHW
// tensors, and scratch memory from the device's caching allocator.
//
// NOTE: cuDNN 9 marks the legacy API used here (cudnnConvolutionForward, cudnnPoolingForward,
// cudnnBatchNormalization*) deprecated in its headers; the attribute is opt-in
// (CUDNN_WARN_DEPRECATED), so it compiles without warnings. TODO: the graph API
// (cudnn_graph.h) for convolution when the legacy one is removed.
#include <cudnn.h>

#include <mutex>
#include <string>

#include "tensor/tensor.h"

namespace nw::cuda {

[[noreturn]] void throw_cudnn_error(cudnnStatus_t st, const char* call, const char* file, int line);

#define CUDNN_CHECK(call)                                                     \
  do {                                                                        \
    const cudnnStatus_t nw_cudnn_st_ = (call);                                \
    if (nw_cudnn_st_ != CUDNN_STATUS_SUCCESS)                                 \
      ::nw::cuda::throw_cudnn_error(nw_cudnn_st_, #call, __FILE__, __LINE__); \
  } while (0)

// The handle of the current device, held with its lock for the caller's scope.
class CudnnHandle {
 public:
  explicit CudnnHandle(int device);
  cudnnHandle_t get() const { return handle_; }

 private:
  std::unique_lock<std::mutex> lock_;
  cudnnHandle_t handle_ = nullptr;
};

// "9.19.0" from the library actually loaded.
std::string cudnn_runtime_version();

cudnnDataType_t cudnn_dtype(DType t);

// Whether cuDNN can describe the tensor: not empty (cuDNN refuses zero sizes), and every size
// within its int arguments.
bool cudnn_sized(const Tensor& t);

class TensorDesc {
 public:
  // A contiguous (N, C, H, W) tensor; sizes given explicitly so (N, C, S) maps to (N, C, S, 1).
  TensorDesc(DType t, int64_t n, int64_t c, int64_t h, int64_t w);
  explicit TensorDesc(const Tensor& t);  // a contiguous 4-d tensor
  ~TensorDesc();
  TensorDesc(const TensorDesc&) = delete;
  TensorDesc& operator=(const TensorDesc&) = delete;
  cudnnTensorDescriptor_t get() const { return desc_; }

 private:
  cudnnTensorDescriptor_t desc_ = nullptr;
};

class FilterDesc {
 public:
  explicit FilterDesc(const Tensor& w);  // (O, C/groups, kH, kW), contiguous
  ~FilterDesc();
  FilterDesc(const FilterDesc&) = delete;
  FilterDesc& operator=(const FilterDesc&) = delete;
  cudnnFilterDescriptor_t get() const { return desc_; }

 private:
  cudnnFilterDescriptor_t desc_ = nullptr;
};

// Device scratch memory from the caching allocator, returned when it goes out of scope. Every
// kernel runs on the device's default stream in order, so the block may be handed out again as
// soon as the work that uses it has been queued.
class Workspace {
 public:
  Workspace(size_t nbytes, int device);
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  void* data() const { return ptr_; }
  size_t size() const { return size_; }

 private:
  void* ptr_ = nullptr;
  size_t size_ = 0;
  int device_ = 0;
};

// alpha / beta as cuDNN reads them: double for double tensors, float otherwise.
struct Scaling {
  explicit Scaling(DType t, double alpha = 1.0, double beta = 0.0);
  const void* alpha() const { return is_double_ ? static_cast<const void*>(&ad_) : &af_; }
  const void* beta() const { return is_double_ ? static_cast<const void*>(&bd_) : &bf_; }

 private:
  bool is_double_;
  float af_, bf_;
  double ad_, bd_;
};

}  // namespace nw::cuda
