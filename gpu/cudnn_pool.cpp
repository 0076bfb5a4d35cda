// Average pooling through cuDNN, forward and backward. cuDNN's two averaging modes are PyTorch's
// count_include_pad true and false exactly when every window ends inside the padded input, which
// holds when the output extent is the floor one cuDNN computes itself; a ceil-mode extent, a
// divisor override and sizes past 32 bits go to the generic kernel.
#include "cuda_backend.h"
#include "cudnn_handle.h"
#include "cudnn_layer_kernels.h"

namespace nw::cuda {

namespace {

class PoolDesc {
 public:
  explicit PoolDesc(const PoolGeometry& g) {
    CUDNN_CHECK(cudnnCreatePoolingDescriptor(&desc_));
    const cudnnPoolingMode_t mode = g.count_include_pad
                                        ? CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING
                                        : CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING;
    const cudnnStatus_t st = cudnnSetPooling2dDescriptor(
        desc_, mode, CUDNN_PROPAGATE_NAN, int(g.kernel_h), int(g.kernel_w), int(g.pad_h),
        int(g.pad_w), int(g.stride_h), int(g.stride_w));
    if (st != CUDNN_STATUS_SUCCESS) {
      cudnnDestroyPoolingDescriptor(desc_);
      throw_cudnn_error(st, "cudnnSetPooling2dDescriptor", __FILE__, __LINE__);
    }
  }
  ~PoolDesc() { cudnnDestroyPoolingDescriptor(desc_); }
  PoolDesc(const PoolDesc&) = delete;
  PoolDesc& operator=(const PoolDesc&) = delete;
  cudnnPoolingDescriptor_t get() const { return desc_; }

 private:
  cudnnPoolingDescriptor_t desc_ = nullptr;
};

// x: the input-sized tensor, y: the output-sized one.
bool cudnn_takes(const Tensor& x, const Tensor& y, const PoolGeometry& g) {
  if (g.divisor_override > 0 || !cudnn_sized(x) || !cudnn_sized(y)) return false;
  // cuDNN wants the padding inside the window, as PyTorch does (pad <= kernel / 2).
  if (g.pad_h >= g.kernel_h || g.pad_w >= g.kernel_w) return false;
  const auto extent = [](int64_t in, int64_t pad, int64_t k, int64_t stride) {
    return (in + 2 * pad - k) / stride + 1;
  };
  return extent(x.size(2), g.pad_h, g.kernel_h, g.stride_h) == y.size(2) &&
         extent(x.size(3), g.pad_w, g.kernel_w, g.stride_w) == y.size(3);
}

}  // namespace

bool cudnn_avg_pool_forward(const Tensor& x, const Tensor& out, const PoolGeometry& g) {
  if (!cudnn_takes(x, out, g)) return false;
  DeviceGuard guard(out.device().index());
  CudnnHandle handle(out.device().index());
  const PoolDesc pool(g);
  const TensorDesc xd(x), yd(out);
  const Scaling s(x.dtype());
  CUDNN_CHECK(cudnnPoolingForward(handle.get(), pool.get(), s.alpha(), xd.get(), x.raw_data(),
                                  s.beta(), yd.get(), out.raw_data()));
  return true;
}

bool cudnn_avg_pool_backward(const Tensor& grad_out, const Tensor& grad_x, const PoolGeometry& g) {
  if (!cudnn_takes(grad_x, grad_out, g)) return false;
  DeviceGuard guard(grad_x.device().index());
  CudnnHandle handle(grad_x.device().index());
  const PoolDesc pool(g);
  const TensorDesc xd(grad_x), yd(grad_out);
  const Scaling s(grad_x.dtype());
  // NOTE: averaging reads neither the forward input nor its output, which the interface does not
  // pass; cuDNN still wants pointers of their shapes, so it is handed the gradients' own.
  CUDNN_CHECK(cudnnPoolingBackward(handle.get(), pool.get(), s.alpha(), yd.get(),
                                   grad_out.raw_data(), yd.get(), grad_out.raw_data(), xd.get(),
                                   grad_x.raw_data(), s.beta(), xd.get(), grad_x.raw_data()));
  return true;
}

}  // namespace nw::cuda
