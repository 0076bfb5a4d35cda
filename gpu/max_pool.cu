// Max pooling kernels (see max_pool.h). The window scan matches core/cpu/pool_max.cpp element
// for element, so values and indices agree with the CPU exactly.
#include "cuda_backend.h"
#include "launch.cuh"
#include "max_pool.h"

namespace nw::cuda {

namespace {

struct PlaneSizes {
  int64_t H, W, oH, oW;
};

template <typename T>
__global__ void max_pool_forward_kernel(const T* x, T* y, int64_t* idx, int64_t n, PlaneSizes s,
                                        PoolGeometry g) {
  const int64_t step = int64_t(blockDim.x) * gridDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
    const int64_t ow = i % s.oW, oh = (i / s.oW) % s.oH, plane = i / (s.oW * s.oH);
    const T* px = x + plane * s.H * s.W;
    int64_t h0 = oh * g.stride_h - g.pad_h, w0 = ow * g.stride_w - g.pad_w;
    const int64_t h1 = min(h0 + (g.kernel_h - 1) * g.dilation_h + 1, s.H);
    const int64_t w1 = min(w0 + (g.kernel_w - 1) * g.dilation_w + 1, s.W);
    while (h0 < 0) h0 += g.dilation_h;
    while (w0 < 0) w0 += g.dilation_w;
    T best = -INFINITY;
    int64_t at = h0 * s.W + w0;
    for (int64_t ih = h0; ih < h1; ih += g.dilation_h)
      for (int64_t iw = w0; iw < w1; iw += g.dilation_w) {
        const T v = px[ih * s.W + iw];
        if (v > best || v != v) {
          best = v;
          at = ih * s.W + iw;
        }
      }
    y[i] = best;
    idx[i] = at;
  }
}

template <typename T>
__global__ void max_pool_backward_kernel(const T* gy, const int64_t* idx, T* gx, int64_t n,
                                         int64_t out_plane, int64_t in_plane) {
  const int64_t step = int64_t(blockDim.x) * gridDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step)
    atomicAdd(gx + (i / out_plane) * in_plane + idx[i], gy[i]);
}

template <typename T>
void forward(const Tensor& x, const Tensor& out, const Tensor& indices, const PoolGeometry& g) {
  const PlaneSizes s{x.size(2), x.size(3), out.size(2), out.size(3)};
  const int64_t n = out.numel();
  max_pool_forward_kernel<T>
      <<<grid_for(n), kThreads>>>(ptr<T>(x), ptr<T>(out), ptr<int64_t>(indices), n, s, g);
  CUDA_CHECK_LAUNCH();
}

template <typename T>
void backward(const Tensor& grad_out, const Tensor& indices, const Tensor& grad_x) {
  CUDA_CHECK(cudaMemsetAsync(grad_x.raw_data(), 0, size_t(grad_x.numel()) * sizeof(T)));
  const int64_t n = grad_out.numel();
  if (n == 0) return;
  max_pool_backward_kernel<T><<<grid_for(n), kThreads>>>(
      ptr<T>(grad_out), ptr<int64_t>(indices), ptr<T>(grad_x), n,
      grad_out.size(2) * grad_out.size(3), grad_x.size(2) * grad_x.size(3));
  CUDA_CHECK_LAUNCH();
}

}  // namespace

void max_pool2d_forward(const Tensor& x, const Tensor& out, const Tensor& indices,
                        const PoolGeometry& g) {
  if (out.numel() == 0) return;
  DeviceGuard guard(out.device().index());
  if (x.dtype() == DType::Float64)
    forward<double>(x, out, indices, g);
  else
    forward<float>(x, out, indices, g);
}

void max_pool2d_backward(const Tensor& grad_out, const Tensor& indices, const Tensor& grad_x) {
  if (grad_x.numel() == 0) return;
  DeviceGuard guard(grad_x.device().index());
  if (grad_x.dtype() == DType::Float64)
    backward<double>(grad_out, indices, grad_x);
  else
    backward<float>(grad_out, indices, grad_x);
}

}  // namespace nw::cuda
