// cuDNN handles per device, descriptors and workspaces (see cudnn_handle.h).
#include "cudnn_handle.h"

#include <climits>
#include <vector>

#include "backend/backend.h"
#include "check.h"

namespace nw::cuda {

void throw_cudnn_error(cudnnStatus_t st, const char* call, const char* file, int line) {
  throw DeviceError(std::string("cuDNN error: ") + call + " failed at " + file + ":" +
                    std::to_string(line) + " with " + cudnnGetErrorString(st));
}

namespace {

struct Handles {
  std::mutex mutex;
  std::vector<cudnnHandle_t> per_device;
};

Handles& handles() {
  static Handles* h = new Handles;  // never destroyed: kernels may run from static destructors
  return *h;
}

int as_int(int64_t v) {
  if (v > INT_MAX || v < INT_MIN)
    throw ShapeError("cuDNN: size " + std::to_string(v) +
                     " exceeds its 32-bit limit; the caller should have taken the generic kernel");
  return int(v);
}

}  // namespace

CudnnHandle::CudnnHandle(int device) : lock_(handles().mutex) {
  auto& h = handles().per_device;
  if (size_t(device) >= h.size()) h.resize(size_t(device) + 1, nullptr);
  // Created with the device current (the caller's DeviceGuard), so it belongs to that device.
  if (!h[size_t(device)]) CUDNN_CHECK(cudnnCreate(&h[size_t(device)]));
  handle_ = h[size_t(device)];
}

std::string cudnn_runtime_version() {
  const size_t v = cudnnGetVersion();  // 91900 for 9.19.0
  return std::to_string(v / 10000) + "." + std::to_string((v % 10000) / 100) + "." +
         std::to_string(v % 100);
}

cudnnDataType_t cudnn_dtype(DType t) {
  if (t == DType::Float64) return CUDNN_DATA_DOUBLE;
  if (t == DType::Float32) return CUDNN_DATA_FLOAT;
  throw DTypeError(std::string("cuDNN layer kernels take float32 or float64, not ") +
                   dtype_name(t));
}

bool cudnn_sized(const Tensor& t) {
  return t.numel() > 0 && t.numel() <= INT_MAX;
}

TensorDesc::TensorDesc(DType t, int64_t n, int64_t c, int64_t h, int64_t w) {
  CUDNN_CHECK(cudnnCreateTensorDescriptor(&desc_));
  const int dims[4] = {as_int(n), as_int(c), as_int(h), as_int(w)};
  const int strides[4] = {as_int(c * h * w), as_int(h * w), as_int(w), 1};
  const cudnnStatus_t st = cudnnSetTensorNdDescriptor(desc_, cudnn_dtype(t), 4, dims, strides);
  if (st != CUDNN_STATUS_SUCCESS) {
    cudnnDestroyTensorDescriptor(desc_);
    throw_cudnn_error(st, "cudnnSetTensorNdDescriptor", __FILE__, __LINE__);
  }
}

TensorDesc::TensorDesc(const Tensor& t)
    : TensorDesc(t.dtype(), t.size(0), t.size(1), t.size(2), t.size(3)) {}

TensorDesc::~TensorDesc() {
  cudnnDestroyTensorDescriptor(desc_);
}

FilterDesc::FilterDesc(const Tensor& w) {
  CUDNN_CHECK(cudnnCreateFilterDescriptor(&desc_));
  const cudnnStatus_t st = cudnnSetFilter4dDescriptor(
      desc_, cudnn_dtype(w.dtype()), CUDNN_TENSOR_NCHW, as_int(w.size(0)), as_int(w.size(1)),
      as_int(w.size(2)), as_int(w.size(3)));
  if (st != CUDNN_STATUS_SUCCESS) {
    cudnnDestroyFilterDescriptor(desc_);
    throw_cudnn_error(st, "cudnnSetFilter4dDescriptor", __FILE__, __LINE__);
  }
}

FilterDesc::~FilterDesc() {
  cudnnDestroyFilterDescriptor(desc_);
}

Workspace::Workspace(size_t nbytes, int device) : size_(nbytes), device_(device) {
  if (nbytes > 0) ptr_ = backend_for(Device(DeviceType::CUDA, device)).allocate(nbytes, device);
}

Workspace::~Workspace() {
  if (ptr_) backend_for(Device(DeviceType::CUDA, device_)).deallocate(ptr_, device_);
}

Scaling::Scaling(DType t, double alpha, double beta)
    : is_double_(t == DType::Float64), af_(float(alpha)), bf_(float(beta)), ad_(alpha), bd_(beta) {}

}  // namespace nw::cuda
