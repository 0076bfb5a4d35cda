// Average pooling on the CPU, fixed and adaptive windows, one (image, channel) plane per task.
// The divisor rules are PyTorch's: a window is clipped to the padded input for
// count_include_pad and to the input itself otherwise; divisor_override replaces both.
#include <algorithm>

#include "cpu/conv_im2col.h"
#include "cpu/cpu_layer_kernels.h"

namespace nw {

namespace {

// One output cell's window [h0, h1) x [w0, w1) inside the input and its divisor.
struct Window {
  int64_t h0, h1, w0, w1;
  int64_t divisor;
  bool empty() const { return h0 >= h1 || w0 >= w1; }
};

Window avg_window(int64_t oh, int64_t ow, int64_t H, int64_t W, const PoolGeometry& g) {
  Window win;
  win.h0 = oh * g.stride_h - g.pad_h;
  win.w0 = ow * g.stride_w - g.pad_w;
  win.h1 = std::min(win.h0 + g.kernel_h, H + g.pad_h);
  win.w1 = std::min(win.w0 + g.kernel_w, W + g.pad_w);
  const int64_t padded = (win.h1 - win.h0) * (win.w1 - win.w0);
  win.h0 = std::max<int64_t>(win.h0, 0);
  win.w0 = std::max<int64_t>(win.w0, 0);
  win.h1 = std::min(win.h1, H);
  win.w1 = std::min(win.w1, W);
  win.divisor = g.divisor_override > 0 ? g.divisor_override
                : g.count_include_pad  ? padded
                                       : (win.h1 - win.h0) * (win.w1 - win.w0);
  return win;
}

// Adaptive pooling's window: rows [floor(i H / oH), ceil((i + 1) H / oH)), columns likewise.
Window adaptive_window(int64_t oh, int64_t ow, int64_t H, int64_t W, int64_t oH, int64_t oW) {
  Window win;
  win.h0 = oh * H / oH;
  win.h1 = ((oh + 1) * H + oH - 1) / oH;
  win.w0 = ow * W / oW;
  win.w1 = ((ow + 1) * W + oW - 1) / oW;
  win.divisor = (win.h1 - win.h0) * (win.w1 - win.w0);
  return win;
}

// Runs fn(plane, window, output position) for every output cell, planes split across threads.
template <typename WindowFn, typename CellFn>
void for_each_cell(int64_t planes, int64_t oH, int64_t oW, int64_t in_plane, WindowFn window,
                   CellFn fn) {
  const int threads = cpu::threads_for(planes * std::max(in_plane, oH * oW), planes);
#pragma omp parallel for num_threads(threads) if (threads > 1)
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t oh = 0; oh < oH; ++oh)
      for (int64_t ow = 0; ow < oW; ++ow) fn(p, window(oh, ow), oh * oW + ow);
}

template <typename T, typename WindowFn>
void pool_forward(const Tensor& x, const Tensor& out, WindowFn window) {
  const int64_t planes = x.size(0) * x.size(1), H = x.size(2), W = x.size(3);
  const int64_t oH = out.size(2), oW = out.size(3);
  const T* px = x.data_ptr<T>();
  T* py = out.data_ptr<T>();
  for_each_cell(planes, oH, oW, H * W, window, [&](int64_t p, const Window& win, int64_t o) {
    T* y = py + p * oH * oW + o;
    if (win.empty()) {
      *y = T(0);
      return;
    }
    const T* plane = px + p * H * W;
    T sum = 0;
    for (int64_t ih = win.h0; ih < win.h1; ++ih)
      for (int64_t iw = win.w0; iw < win.w1; ++iw) sum += plane[ih * W + iw];
    *y = sum / T(win.divisor);
  });
}

template <typename T, typename WindowFn>
void pool_backward(const Tensor& grad_out, const Tensor& grad_x, WindowFn window) {
  const int64_t planes = grad_x.size(0) * grad_x.size(1), H = grad_x.size(2), W = grad_x.size(3);
  const int64_t oH = grad_out.size(2), oW = grad_out.size(3);
  const T* pg = grad_out.data_ptr<T>();
  T* pdx = grad_x.data_ptr<T>();
  std::fill(pdx, pdx + grad_x.numel(), T(0));
  for_each_cell(planes, oH, oW, H * W, window, [&](int64_t p, const Window& win, int64_t o) {
    if (win.empty()) return;
    const T share = pg[p * oH * oW + o] / T(win.divisor);
    T* plane = pdx + p * H * W;
    for (int64_t ih = win.h0; ih < win.h1; ++ih)
      for (int64_t iw = win.w0; iw < win.w1; ++iw) plane[ih * W + iw] += share;
  });
}

template <typename F>
void by_dtype(const Tensor& t, F&& f) {
  if (t.dtype() == kFloat64)
    f(double{});
  else
    f(float{});
}

}  // namespace

void CpuLayerKernels::avg_pool2d_forward(const Tensor& x, const Tensor& out,
                                         const PoolGeometry& g) {
  if (out.numel() == 0) return;
  const int64_t H = x.size(2), W = x.size(3);
  by_dtype(x, [&](auto tag) {
    pool_forward<decltype(tag)>(
        x, out, [&](int64_t oh, int64_t ow) { return avg_window(oh, ow, H, W, g); });
  });
}

void CpuLayerKernels::avg_pool2d_backward(const Tensor& grad_out, const Tensor& grad_x,
                                          const PoolGeometry& g) {
  if (grad_x.numel() == 0) return;
  const int64_t H = grad_x.size(2), W = grad_x.size(3);
  by_dtype(grad_x, [&](auto tag) {
    pool_backward<decltype(tag)>(
        grad_out, grad_x, [&](int64_t oh, int64_t ow) { return avg_window(oh, ow, H, W, g); });
  });
}

void CpuLayerKernels::adaptive_avg_pool2d_forward(const Tensor& x, const Tensor& out) {
  if (out.numel() == 0) return;
  const int64_t H = x.size(2), W = x.size(3), oH = out.size(2), oW = out.size(3);
  by_dtype(x, [&](auto tag) {
    pool_forward<decltype(tag)>(
        x, out, [&](int64_t oh, int64_t ow) { return adaptive_window(oh, ow, H, W, oH, oW); });
  });
}

void CpuLayerKernels::adaptive_avg_pool2d_backward(const Tensor& grad_out, const Tensor& grad_x) {
  if (grad_x.numel() == 0) return;
  const int64_t H = grad_x.size(2), W = grad_x.size(3);
  const int64_t oH = grad_out.size(2), oW = grad_out.size(3);
  by_dtype(grad_x, [&](auto tag) {
    pool_backward<decltype(tag)>(grad_out, grad_x, [&](int64_t oh, int64_t ow) {
      return adaptive_window(oh, ow, H, W, oH, oW);
    });
  });
}

}  // namespace nw
