// Generic convolution: im2col as one strided view of the zero-padded input, copied into columns
// (N, groups, K, P) with K = C/groups * kH * kW and P = oH * oW, then one batched matmul with the
// weight (groups, O/groups, K) for every group and image at once. The backward passes are the
// same product transposed; backward-data scatters its columns back with kH * kW strided adds.
#include "autograd/grad_mode.h"
#include "kernels/generic_layer_kernels.h"
#include "kernels/generic_views.h"
#include "tensor/ops.h"

namespace nw {

namespace {

struct ConvDims {
  int64_t N, C, H, W, O, oH, oW, kH, kW, G, Cg, Og, K, P, Hp, Wp;
  ConvGeometry g;

  // x: (N, C, H, W), w: (O, C/groups, kH, kW), y: (N, O, oH, oW)
  ConvDims(const Tensor& x, const Tensor& w, const Tensor& y, const ConvGeometry& geo)
      : N(x.size(0)),
        C(x.size(1)),
        H(x.size(2)),
        W(x.size(3)),
        O(y.size(1)),
        oH(y.size(2)),
        oW(y.size(3)),
        kH(w.size(2)),
        kW(w.size(3)),
        G(geo.groups),
        Cg(C / G),
        Og(O / G),
        K(Cg * kH * kW),
        P(oH * oW),
        Hp(generic::padded_extent(H, geo.pad_h, oH, geo.stride_h, kH, geo.dilation_h)),
        Wp(generic::padded_extent(W, geo.pad_w, oW, geo.stride_w, kW, geo.dilation_w)),
        g(geo) {}

  int64_t chunk() const { return generic::images_per_chunk(N, C * kH * kW * P); }

  // The padded images [n0, n0 + nb) of x.
  Tensor padded(const Tensor& x, int64_t n0, int64_t nb) const {
    return generic::padded(x.narrow(0, n0, nb), Hp, Wp, g.pad_h, g.pad_w, 0.0);
  }
  // Strides of a padded batch: image, channel, kernel row, kernel column, output row, column.
  Shape strides() const {
    const int64_t plane = Hp * Wp;
    return {C * plane, plane, g.dilation_h * Wp, g.dilation_w, g.stride_h * Wp, g.stride_w};
  }
  // Columns (nb, G, K, P) of a padded batch.
  Tensor columns(const Tensor& xp) const {
    const int64_t nb = xp.size(0);
    return xp.as_strided({nb, C, kH, kW, oH, oW}, strides(), xp.storage_offset())
        .reshape({nb, G, K, P});
  }
  // Columns laid out (G, K, nb * P), the batch folded into the reduction of backward-weight.
  Tensor columns_by_group(const Tensor& xp) const {
    const int64_t nb = xp.size(0);
    const Shape s = strides();
    return xp
        .as_strided({G, Cg, kH, kW, nb, oH, oW}, {Cg * s[1], s[1], s[2], s[3], s[0], s[4], s[5]},
                    xp.storage_offset())
        .reshape({G, K, nb * P});
  }
};

}  // namespace

LayerKernels& generic_layer_kernels() {
  static GenericLayerKernels kernels;
  return kernels;
}

void GenericLayerKernels::conv2d_forward(const Tensor& x, const Tensor& w, const Tensor& bias,
                                         const Tensor& out, const ConvGeometry& g) {
  if (out.numel() == 0) return;
  NoGradGuard no_grad;
  const ConvDims d(x, w, out, g);
  const Tensor wg = w.reshape({d.G, d.Og, d.K});
  for (int64_t n0 = 0, nb = d.chunk(); n0 < d.N; n0 += nb) {
    nb = std::min(nb, d.N - n0);
    const Tensor y = matmul(wg, d.columns(d.padded(x, n0, nb)));  // (nb, G, Og, P)
    out.narrow(0, n0, nb).copy_(y.reshape({nb, d.O, d.oH, d.oW}));
  }
  if (bias.defined()) generic::writable(out).add_(bias.reshape({1, d.O, 1, 1}));
}

void GenericLayerKernels::conv2d_backward_data(const Tensor& grad_out, const Tensor& w,
                                               const Tensor& grad_x, const ConvGeometry& g) {
  if (grad_x.numel() == 0) return;
  NoGradGuard no_grad;
  const ConvDims d(grad_x, w, grad_out, g);
  if (grad_out.numel() == 0) {
    generic::writable(grad_x).zero_();
    return;
  }
  const Tensor wt = w.reshape({d.G, d.Og, d.K}).transpose(1, 2);  // (G, K, Og)
  for (int64_t n0 = 0, nb = d.chunk(); n0 < d.N; n0 += nb) {
    nb = std::min(nb, d.N - n0);
    const Tensor go = grad_out.narrow(0, n0, nb).reshape({nb, d.G, d.Og, d.P});
    // Column gradients (nb, C, kH, kW, oH, oW), then col2im: each kernel offset (i, j) adds its
    // slice into the padded image positions that offset read in the forward pass.
    const Tensor cols = matmul(wt, go).reshape({nb, d.C, d.kH, d.kW, d.oH, d.oW});
    Tensor gxp = zeros({nb, d.C, d.Hp, d.Wp}, generic::like(grad_x));
    const Shape s = d.strides();
    for (int64_t i = 0; i < d.kH; ++i)
      for (int64_t j = 0; j < d.kW; ++j)
        gxp.as_strided({nb, d.C, d.oH, d.oW}, {s[0], s[1], s[4], s[5]},
                       gxp.storage_offset() + i * s[2] + j * s[3])
            .add_(cols.select(2, i).select(2, j));
    grad_x.narrow(0, n0, nb).copy_(gxp.narrow(2, g.pad_h, d.H).narrow(3, g.pad_w, d.W));
  }
}

void GenericLayerKernels::conv2d_backward_weight(const Tensor& grad_out, const Tensor& x,
                                                 const Tensor& grad_w, const Tensor& grad_bias,
                                                 const ConvGeometry& g) {
  NoGradGuard no_grad;
  if (grad_bias.defined()) generic::writable(grad_bias).copy_(sum(grad_out, {0, 2, 3}));
  if (grad_w.numel() == 0) return;
  const ConvDims d(x, grad_w, grad_out, g);
  Tensor acc = zeros({d.G, d.Og, d.K}, generic::like(grad_w));
  for (int64_t n0 = 0, nb = d.chunk(); n0 < d.N && d.P > 0; n0 += nb) {
    nb = std::min(nb, d.N - n0);
    // grad_out as (G, Og, nb * P), in the order of the columns' last dimension.
    const Tensor go = grad_out.narrow(0, n0, nb)
                          .reshape({nb, d.G, d.Og, d.P})
                          .permute({1, 2, 0, 3})
                          .reshape({d.G, d.Og, nb * d.P});
    acc.add_(matmul(go, d.columns_by_group(d.padded(x, n0, nb)).transpose(1, 2)));
  }
  generic::writable(grad_w).copy_(acc.reshape(grad_w.sizes()));
}

}  // namespace nw
