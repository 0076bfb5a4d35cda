// Generic pooling. Fixed windows are strided views of a padded copy of the input: max pooling
// takes the argmax over each copied window (padding -inf), average pooling sums the view and
// divides by a per-cell divisor table; their backward passes scatter-add into the input plane
// (max) or add each window's share through kH * kW strided views (average). Adaptive windows
// differ in size, so adaptive pooling is a product with 0/1 row and column matrices.
#include <limits>
#include <vector>

#include "autograd/grad_mode.h"
#include "kernels/generic_layer_kernels.h"
#include "kernels/generic_views.h"
#include "tensor/ops.h"

namespace nw {

namespace {

// A host table moved to t's device and dtype.
Tensor table(const std::vector<double>& v, const Shape& shape, const Tensor& t) {
  return from_vector(v, shape, TensorOptions(kFloat64)).to(t.device(), t.dtype());
}
Tensor int_table(const std::vector<int64_t>& v, const Shape& shape, const Tensor& t) {
  return from_vector(v, shape, TensorOptions(kInt64)).to(t.device());
}

// The CPU kernel's divisor for each output cell (core/cpu/pool_avg.cpp): the window clipped to
// the padded input when count_include_pad, to the input otherwise; 1 for an empty window, whose
// sum is 0 anyway.
Tensor avg_divisors(int64_t H, int64_t W, int64_t oH, int64_t oW, const PoolGeometry& g,
                    const Tensor& like) {
  std::vector<double> div(size_t(oH * oW));
  for (int64_t oh = 0; oh < oH; ++oh)
    for (int64_t ow = 0; ow < oW; ++ow) {
      int64_t h0 = oh * g.stride_h - g.pad_h, w0 = ow * g.stride_w - g.pad_w;
      int64_t h1 = std::min(h0 + g.kernel_h, H + g.pad_h),
              w1 = std::min(w0 + g.kernel_w, W + g.pad_w);
      const int64_t padded = (h1 - h0) * (w1 - w0);
      h0 = std::max<int64_t>(h0, 0), w0 = std::max<int64_t>(w0, 0);
      h1 = std::min(h1, H), w1 = std::min(w1, W);
      const int64_t inside = (h1 - h0) * (w1 - w0);
      int64_t d = g.divisor_override > 0 ? g.divisor_override
                  : g.count_include_pad  ? padded
                                         : inside;
      if (h0 >= h1 || w0 >= w1) d = 1;
      div[size_t(oh * oW + ow)] = double(d);
    }
  return table(div, {oH, oW}, like);
}

// (N, C, oH, oW) views of a padded (N, C, Hp, Wp) batch, one per kernel offset (i, j).
Tensor window_offset(const Tensor& xp, int64_t oH, int64_t oW, const PoolGeometry& g, int64_t i,
                     int64_t j) {
  const int64_t Hp = xp.size(2), Wp = xp.size(3);
  return xp.as_strided({xp.size(0), xp.size(1), oH, oW},
                       {xp.size(1) * Hp * Wp, Hp * Wp, g.stride_h * Wp, g.stride_w},
                       xp.storage_offset() + i * g.dilation_h * Wp + j * g.dilation_w);
}

// Windows (N, C, oH, oW, kH, kW) of a padded batch.
Tensor windows(const Tensor& xp, int64_t oH, int64_t oW, const PoolGeometry& g) {
  const int64_t Hp = xp.size(2), Wp = xp.size(3);
  return xp.as_strided(
      {xp.size(0), xp.size(1), oH, oW, g.kernel_h, g.kernel_w},
      {xp.size(1) * Hp * Wp, Hp * Wp, g.stride_h * Wp, g.stride_w, g.dilation_h * Wp, g.dilation_w},
      xp.storage_offset());
}

// Adaptive pooling's 0/1 matrix (out, in): row i covers [floor(i in / out), ceil((i+1) in / out)).
Tensor adaptive_matrix(int64_t in, int64_t out, const Tensor& like) {
  std::vector<double> m(size_t(out * in), 0.0);
  for (int64_t i = 0; i < out; ++i)
    for (int64_t k = i * in / out; k < ((i + 1) * in + out - 1) / out; ++k)
      m[size_t(i * in + k)] = 1.0;
  return table(m, {out, in}, like);
}

// The divisor of each adaptive cell: the product of its row and column counts.
Tensor adaptive_divisors(const Tensor& ah, const Tensor& aw) {
  return matmul(sum(ah, {1}).reshape({-1, 1}), sum(aw, {1}).reshape({1, -1}));
}

}  // namespace

void GenericLayerKernels::max_pool2d_forward(const Tensor& x, const Tensor& out,
                                             const Tensor& indices, const PoolGeometry& g) {
  if (out.numel() == 0) return;
  NoGradGuard no_grad;
  const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  const int64_t oH = out.size(2), oW = out.size(3), oP = oH * oW, kk = g.kernel_h * g.kernel_w;
  const int64_t Hp = generic::padded_extent(H, g.pad_h, oH, g.stride_h, g.kernel_h, g.dilation_h);
  const int64_t Wp = generic::padded_extent(W, g.pad_w, oW, g.stride_w, g.kernel_w, g.dilation_w);
  const double inf = std::numeric_limits<double>::infinity();
  const Tensor xp = generic::padded(x, Hp, Wp, g.pad_h, g.pad_w, -inf);
  const Tensor win = windows(xp, oH, oW, g).reshape({N, C, oP, kk});
  // argmax keeps the first of equal values and takes the first NaN; the CPU's scan lets every
  // later NaN take over, so where a window holds NaNs its last one wins. Always computed: asking
  // the device whether there is any NaN would stall it on every call.
  const Tensor k = arange(double(kk), TensorOptions(kInt64).device(x.device()));
  const Tensor last_nan =
      max(where(ne(win, win), k, full_like(k, -1.0)), 3, true).first;  // -1: none
  const Tensor at = where(last_nan >= 0.0, last_nan, argmax(win, 3, true));
  generic::writable(out).copy_(gather(win, 3, at).reshape(out.sizes()));

  // Indices: the window's position h * W + w in the input plane, read from a position map of the
  // padded plane in which padding holds H * W. A window whose input values are all -inf picks
  // padding; the CPU kernel then reports the window's first position inside the input.
  const int64_t outside = H * W;
  std::vector<int64_t> pos(size_t(Hp * Wp), outside), base(static_cast<size_t>(oP));
  for (int64_t h = 0; h < H; ++h)
    for (int64_t w = 0; w < W; ++w) pos[size_t((h + g.pad_h) * Wp + w + g.pad_w)] = h * W + w;
  for (int64_t p = 0; p < oP; ++p) base[size_t(p)] = p * kk;
  const Tensor map = int_table(pos, {1, 1, Hp, Wp}, x);
  const Tensor map_win = windows(map, oH, oW, g).reshape({oP, kk});
  const Tensor first_inside = min(map_win, 1).first;  // (oP)
  const Tensor flat = add(at.reshape({N, C, oP}), int_table(base, {oP}, x));
  const Tensor idx =
      index_select(map_win.reshape({oP * kk}), 0, flat.reshape({-1})).reshape({N, C, oP});
  generic::writable(indices).copy_(
      where(idx == double(outside), first_inside, idx).reshape(indices.sizes()));
}

void GenericLayerKernels::max_pool2d_backward(const Tensor& grad_out, const Tensor& indices,
                                              const Tensor& grad_x) {
  if (grad_x.numel() == 0) return;
  NoGradGuard no_grad;
  const int64_t N = grad_x.size(0), C = grad_x.size(1), HW = grad_x.size(2) * grad_x.size(3);
  const int64_t oP = grad_out.size(2) * grad_out.size(3);
  if (oP == 0) {
    generic::writable(grad_x).zero_();
    return;
  }
  const Tensor gx = scatter_add(zeros({N, C, HW}, generic::like(grad_x)), 2,
                                indices.reshape({N, C, oP}), grad_out.reshape({N, C, oP}));
  generic::writable(grad_x).copy_(gx.reshape(grad_x.sizes()));
}

void GenericLayerKernels::avg_pool2d_forward(const Tensor& x, const Tensor& out,
                                             const PoolGeometry& g) {
  if (out.numel() == 0) return;
  NoGradGuard no_grad;
  const int64_t H = x.size(2), W = x.size(3), oH = out.size(2), oW = out.size(3);
  PoolGeometry a = g;
  a.dilation_h = a.dilation_w = 1;  // average pooling has none
  const int64_t Hp = generic::padded_extent(H, a.pad_h, oH, a.stride_h, a.kernel_h, 1);
  const int64_t Wp = generic::padded_extent(W, a.pad_w, oW, a.stride_w, a.kernel_w, 1);
  const Tensor xp = generic::padded(x, Hp, Wp, a.pad_h, a.pad_w, 0.0);
  generic::writable(out).copy_(
      div(sum(windows(xp, oH, oW, a), {4, 5}), avg_divisors(H, W, oH, oW, a, x)));
}

void GenericLayerKernels::avg_pool2d_backward(const Tensor& grad_out, const Tensor& grad_x,
                                              const PoolGeometry& g) {
  if (grad_x.numel() == 0) return;
  NoGradGuard no_grad;
  const int64_t H = grad_x.size(2), W = grad_x.size(3), oH = grad_out.size(2),
                oW = grad_out.size(3);
  PoolGeometry a = g;
  a.dilation_h = a.dilation_w = 1;
  const int64_t Hp = generic::padded_extent(H, a.pad_h, oH, a.stride_h, a.kernel_h, 1);
  const int64_t Wp = generic::padded_extent(W, a.pad_w, oW, a.stride_w, a.kernel_w, 1);
  Tensor gxp = zeros({grad_x.size(0), grad_x.size(1), Hp, Wp}, generic::like(grad_x));
  if (grad_out.numel() > 0) {
    const Tensor share = div(grad_out, avg_divisors(H, W, oH, oW, a, grad_x));
    for (int64_t i = 0; i < a.kernel_h; ++i)
      for (int64_t j = 0; j < a.kernel_w; ++j) window_offset(gxp, oH, oW, a, i, j).add_(share);
  }
  generic::writable(grad_x).copy_(gxp.narrow(2, a.pad_h, H).narrow(3, a.pad_w, W));
}

void GenericLayerKernels::adaptive_avg_pool2d_forward(const Tensor& x, const Tensor& out) {
  if (out.numel() == 0) return;
  NoGradGuard no_grad;
  const Tensor ah = adaptive_matrix(x.size(2), out.size(2), x);
  const Tensor aw = adaptive_matrix(x.size(3), out.size(3), x);
  generic::writable(out).copy_(div(matmul(matmul(ah, x), aw.t()), adaptive_divisors(ah, aw)));
}

void GenericLayerKernels::adaptive_avg_pool2d_backward(const Tensor& grad_out,
                                                       const Tensor& grad_x) {
  if (grad_x.numel() == 0) return;
  NoGradGuard no_grad;
  if (grad_out.numel() == 0) {
    generic::writable(grad_x).zero_();
    return;
  }
  const Tensor ah = adaptive_matrix(grad_x.size(2), grad_out.size(2), grad_x);
  const Tensor aw = adaptive_matrix(grad_x.size(3), grad_out.size(3), grad_x);
  generic::writable(grad_x).copy_(
      matmul(matmul(ah.t(), div(grad_out, adaptive_divisors(ah, aw))), aw));
}

}  // namespace nw
