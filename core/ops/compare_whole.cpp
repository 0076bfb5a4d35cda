// equal and allclose: whole-tensor comparisons that answer a bool.
#include "ops/op_util.h"

namespace nw {

bool Tensor::equal(const Tensor& o) const {
  if (sizes() != o.sizes()) return false;
  NoGradGuard ng;
  return nw::eq(*this, o).to(kInt64).sum().item<int64_t>() == numel();
}

bool Tensor::allclose(const Tensor& o, double rtol, double atol) const {
  if (broadcast_shapes(sizes(), o.sizes(), "allclose") != sizes() && sizes() != o.sizes())
    return false;
  NoGradGuard ng;
  Tensor a = detach().to(kFloat64), b = o.detach().to(kFloat64);
  // |a - b| <= atol + rtol * |b|, elementwise; equal infinities count as close.
  Tensor close = nw::le((a - b).abs(), (b.abs() * rtol) + atol);
  Tensor same = nw::eq(a, b);
  Tensor ok = nw::maximum(close.to(kInt64), same.to(kInt64));
  return ok.sum().item<int64_t>() == ok.numel();
}

}  // namespace nw
