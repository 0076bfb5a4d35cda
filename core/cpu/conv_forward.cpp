// Convolution forward on the CPU: columns of a chunk of images, one GEMM per group, and the
// bias added in the copy that puts the product back into (N, O, oH, oW) order (conv_columns.h).
#include "cpu/conv_columns.h"
#include "cpu/conv_onednn.h"
#include "cpu/cpu_layer_kernels.h"

namespace nw {

LayerKernels& cpu_layer_kernels() {
  static CpuLayerKernels kernels;
  return kernels;
}

namespace {

using cpu::ConvShape;

template <typename T>
void add_bias(T* y, const T* bias, int64_t O, int64_t P) {
  for (int64_t o = 0; o < O; ++o) {
    const T b = bias[o];
    T* row = y + o * P;
    for (int64_t p = 0; p < P; ++p) row[p] += b;
  }
}

template <typename T>
void conv_forward(const Tensor& x, const Tensor& w, const Tensor& bias, const Tensor& out,
                  const ConvGeometry& g) {
  const ConvShape s(x, w, out, g.groups);
  const cpu::ColumnPlan<T> plan(s, g);
  const T* px = x.data_ptr<T>();
  const T* pw = w.data_ptr<T>();
  const T* pb = bias.defined() ? bias.data_ptr<T>() : nullptr;
  T* py = out.data_ptr<T>();
  cpu::Workspace col_ws(plan.in_place() ? 0 : plan.column_elems() * sizeof(T));
  cpu::Workspace out_ws(plan.output_elems() * sizeof(T));
  cpu::Workspace pad_ws(plan.padded_elems() * sizeof(T));

  for (int64_t n0 = 0; n0 < s.N; n0 += plan.chunk()) {
    const int64_t count = std::min(plan.chunk(), s.N - n0), ld = count * plan.columns();
    const T* col = px + n0 * s.C * s.H * s.W;
    if (!plan.in_place()) {
      plan.im2col(px, n0, count, col_ws.as<T>(), pad_ws.as<T>());
      col = col_ws.as<T>();
    }
    T* dst = plan.direct() ? py + n0 * s.O * s.P : out_ws.as<T>();
    for (int64_t grp = 0; grp < s.groups; ++grp)
      cpu::gemm(false, false, s.Og, ld, s.K, T(1), pw + grp * s.Og * s.K, s.K, col + grp * s.K * ld,
                ld, T(0), dst + grp * s.Og * ld, ld);
    if (!plan.direct())
      plan.scatter(dst, pb, n0, count, py);
    else if (pb)
      add_bias(dst, pb, s.O, s.P);
  }
}

}  // namespace

void CpuLayerKernels::conv2d_forward(const Tensor& x, const Tensor& w, const Tensor& bias,
                                     const Tensor& out, const ConvGeometry& g) {
  if (out.numel() == 0) return;
  if (cpu::onednn_conv_forward(x, w, bias, out, g)) return;
  if (x.dtype() == kFloat64)
    conv_forward<double>(x, w, bias, out, g);
  else
    conv_forward<float>(x, w, bias, out, g);
}

}  // namespace nw
