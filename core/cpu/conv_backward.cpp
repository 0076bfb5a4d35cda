// Convolution backward on the CPU (layouts in conv_columns.h). Data: the transposed weight times
// grad_out gives columns that col2im adds back into the input's shape. Weight: grad_out times
// the input's columns, accumulated over the chunks of the batch; bias: grad_out summed over
// images and positions.
#include "cpu/conv_columns.h"
#include "cpu/conv_onednn.h"
#include "cpu/cpu_layer_kernels.h"

namespace nw {

namespace {

using cpu::ConvShape;

template <typename T>
void conv_backward_data(const Tensor& grad_out, const Tensor& w, const Tensor& grad_x,
                        const ConvGeometry& g) {
  const ConvShape s(grad_x, w, grad_out, g.groups);
  const cpu::ColumnPlan<T> plan(s, g);
  const T* pg = grad_out.data_ptr<T>();
  const T* pw = w.data_ptr<T>();
  T* pdx = grad_x.data_ptr<T>();
  cpu::Workspace col_ws(plan.in_place() ? 0 : plan.column_elems() * sizeof(T));
  cpu::Workspace dy_ws(plan.output_elems() * sizeof(T));
  cpu::Workspace pad_ws(plan.padded_elems() * sizeof(T));

  for (int64_t n0 = 0; n0 < s.N; n0 += plan.chunk()) {
    const int64_t count = std::min(plan.chunk(), s.N - n0), ld = count * plan.columns();
    const T* dy = pg + n0 * s.O * s.P;  // direct: one image's grad_out is its (O, P) matrix
    if (!plan.direct()) {
      plan.gather(pg, n0, count, dy_ws.as<T>());
      dy = dy_ws.as<T>();
    }
    T* col = plan.in_place() ? pdx + n0 * s.C * s.H * s.W : col_ws.as<T>();
    for (int64_t grp = 0; grp < s.groups; ++grp)
      cpu::gemm(true, false, s.K, ld, s.Og, T(1), pw + grp * s.Og * s.K, s.K, dy + grp * s.Og * ld,
                ld, T(0), col + grp * s.K * ld, ld);
    if (!plan.in_place()) plan.col2im(col, n0, count, pdx, pad_ws.as<T>());
  }
}

template <typename T>
void conv_backward_weight(const Tensor& grad_out, const Tensor& x, const Tensor& grad_w,
                          const Tensor& grad_bias, const ConvGeometry& g) {
  const ConvShape s(x, grad_w, grad_out, g.groups);
  const T* pg = grad_out.data_ptr<T>();
  const T* px = x.data_ptr<T>();
  T* pdw = grad_w.data_ptr<T>();
  if (grad_bias.defined()) {
    // A bias gradient sums N * P terms, often tens of thousands: partial sums per image row,
    // accumulated in double.
    T* pdb = grad_bias.data_ptr<T>();
    const int threads = cpu::threads_for(s.N * s.O * s.P, s.O);
#pragma omp parallel for num_threads(threads) if (threads > 1)
    for (int64_t o = 0; o < s.O; ++o) {
      double acc = 0;
      for (int64_t n = 0; n < s.N; ++n) acc += cpu::sum_of(pg + (n * s.O + o) * s.P, s.P);
      pdb[o] = T(acc);
    }
  }
  if (s.N == 0) {
    std::fill(pdw, pdw + grad_w.numel(), T(0));
    return;
  }
  const cpu::ColumnPlan<T> plan(s, g);
  cpu::Workspace col_ws(plan.in_place() ? 0 : plan.column_elems() * sizeof(T));
  cpu::Workspace dy_ws(plan.output_elems() * sizeof(T));
  cpu::Workspace pad_ws(plan.padded_elems() * sizeof(T));

  for (int64_t n0 = 0; n0 < s.N; n0 += plan.chunk()) {
    const int64_t count = std::min(plan.chunk(), s.N - n0), ld = count * plan.columns();
    const T* dy = pg + n0 * s.O * s.P;
    if (!plan.direct()) {
      plan.gather(pg, n0, count, dy_ws.as<T>());
      dy = dy_ws.as<T>();
    }
    const T* col = px + n0 * s.C * s.H * s.W;
    if (!plan.in_place()) {
      plan.im2col(px, n0, count, col_ws.as<T>(), pad_ws.as<T>());
      col = col_ws.as<T>();
    }
    const T beta = n0 == 0 ? T(0) : T(1);
    for (int64_t grp = 0; grp < s.groups; ++grp)
      cpu::gemm(false, true, s.Og, s.K, ld, T(1), dy + grp * s.Og * ld, ld, col + grp * s.K * ld,
                ld, beta, pdw + grp * s.Og * s.K, s.K);
  }
}

}  // namespace

void CpuLayerKernels::conv2d_backward_data(const Tensor& grad_out, const Tensor& w,
                                           const Tensor& grad_x, const ConvGeometry& g) {
  if (grad_x.numel() == 0) return;
  if (cpu::onednn_conv_backward_data(grad_out, w, grad_x, g)) return;
  if (grad_x.dtype() == kFloat64)
    conv_backward_data<double>(grad_out, w, grad_x, g);
  else
    conv_backward_data<float>(grad_out, w, grad_x, g);
}

void CpuLayerKernels::conv2d_backward_weight(const Tensor& grad_out, const Tensor& x,
                                             const Tensor& grad_w, const Tensor& grad_bias,
                                             const ConvGeometry& g) {
  if (grad_out.numel() > 0 && cpu::onednn_conv_backward_weight(grad_out, x, grad_w, grad_bias, g))
    return;
  if (grad_w.dtype() == kFloat64)
    conv_backward_weight<double>(grad_out, x, grad_w, grad_bias, g);
  else
    conv_backward_weight<float>(grad_out, x, grad_w, grad_bias, g);
}

}  // namespace nw
