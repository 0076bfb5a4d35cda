// matmul in all its forms, reduced to one batched product (backend bmm) on 3-D views.
#include "ops/op_util.h"

namespace nw {

using autograd::record;
using autograd::SavedTensor;

namespace {

// (batch..., R, C) -> (B, R, C) as a view when the batch dims collapse to one stride.
Tensor as_3d(const Tensor& t) {
  const int64_t n = t.dim();
  const int64_t rows = t.size(-2), cols = t.size(-1);
  int64_t batch = 1, bstride = 0;
  bool viewable = true;
  for (int64_t d = n - 3; d >= 0; --d) {
    int64_t s = t.sizes()[size_t(d)];
    if (s == 1) continue;
    if (batch == 1) {
      bstride = t.strides()[size_t(d)];
    } else if (t.strides()[size_t(d)] != bstride * batch) {
      viewable = false;
      break;
    }
    batch *= s;
  }
  if (!viewable) return as_3d(t.contiguous());
  return detail::make_view(t, {batch, rows, cols}, {bstride, t.stride(-2), t.stride(-1)},
                           t.storage_offset());
}

std::string mismatch(const Tensor& a, const Tensor& b, int64_t ka, int64_t kb) {
  std::string msg = "matmul: shapes " + shape_str(a.sizes()) + " and " + shape_str(b.sizes()) +
                    " cannot be multiplied (" + std::to_string(ka) + " != " + std::to_string(kb) +
                    ")";
  if (b.dim() >= 2 && a.size(-1) == b.size(-1)) return msg + "; did you mean b.t()?";
  if (a.dim() >= 2 && a.size(-2) == b.size(b.dim() >= 2 ? -2 : 0))
    return msg + "; did you mean a.t()?";
  return msg +
         "; the last dimension of the first operand must equal the first (or, for "
         "batches, second-to-last) dimension of the second";
}

Tensor matmul_forward(const Tensor& a, const Tensor& b) {
  // Promote 1-D operands to matrices; remember to drop those dimensions again.
  Tensor a2 = a.dim() == 1
                  ? detail::make_view(a, {1, a.size(0)}, {0, a.stride(0)}, a.storage_offset())
                  : a.detach();
  Tensor b2 = b.dim() == 1
                  ? detail::make_view(b, {b.size(0), 1}, {b.stride(0), 0}, b.storage_offset())
                  : b.detach();
  const int64_t M = a2.size(-2), K = a2.size(-1), N = b2.size(-1);
  if (b2.size(-2) != K) throw ShapeError(mismatch(a, b, K, b2.size(-2)));
  Shape ba(a2.sizes().begin(), a2.sizes().end() - 2), bb(b2.sizes().begin(), b2.sizes().end() - 2);
  Shape batch = broadcast_shapes(ba, bb, "matmul");
  Shape sa = batch, sb = batch, so = batch;
  sa.insert(sa.end(), {M, K});
  sb.insert(sb.end(), {K, N});
  so.insert(so.end(), {M, N});
  Tensor out = detail::new_tensor(so, a.dtype(), a.device());
  Tensor a3 = as_3d(detail::broadcast_to(a2, sa)), b3 = as_3d(detail::broadcast_to(b2, sb));
  Tensor o3 = detail::make_view(out, {a3.size(0), M, N}, {M * N, N, 1}, 0);
  backend_for(a.device()).bmm(a3, b3, o3);
  Shape final_shape = batch;
  if (a.dim() > 1) final_shape.push_back(M);
  if (b.dim() > 1) final_shape.push_back(N);
  return final_shape == so
             ? out
             : detail::make_view(out, final_shape, contiguous_strides(final_shape), 0);
}

const char* backward_name(const Tensor& a, const Tensor& b) {
  if (a.dim() == 1 && b.dim() == 1) return "DotBackward0";
  if (a.dim() == 2 && b.dim() == 1) return "MvBackward0";
  if (a.dim() == 2 && b.dim() == 2) return "MmBackward0";
  return "BmmBackward0";
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  detail::check_defined(a, "matmul");
  detail::check_defined(b, "matmul");
  detail::check_same_device(a, b, "matmul");
  if (a.dim() == 0 || b.dim() == 0)
    throw ShapeError("matmul: both arguments need at least 1 dimension, got shapes " +
                     shape_str(a.sizes()) + " and " + shape_str(b.sizes()) +
                     "; use mul (*) to scale by a 0-d tensor");
  if (a.dtype() != b.dtype())
    throw DTypeError(std::string("matmul: both operands must have the same dtype, got ") +
                     dtype_name(a.dtype()) + " and " + dtype_name(b.dtype()) +
                     "; convert one with to(" + dtype_name(promote_types(a.dtype(), b.dtype())) +
                     ")");
  if (a.dtype() == kBool || a.dtype() == kUInt8)
    throw DTypeError(std::string("matmul: not defined for ") + dtype_name(a.dtype()) +
                     " tensors; convert to float32 or int64 first");
  Tensor out = matmul_forward(a, b);
  if (autograd::needs_grad({&a, &b})) {
    const char* name = backward_name(a, b);
    record(out, name, {a, b},
           [sa = SavedTensor(a), sb = SavedTensor(b), name, ga = a.requires_grad(),
            gb = b.requires_grad()](const Tensor& g) {
             const Tensor& av = sa.unpack(name);
             const Tensor& bv = sb.unpack(name);
             // Work on the matrix forms, then sum broadcast batches away and drop the
             // dimensions that 1-D operands gained.
             Tensor a2 = av.dim() == 1 ? av.unsqueeze(0) : av;
             Tensor b2 = bv.dim() == 1 ? bv.unsqueeze(1) : bv;
             Tensor g2 = g;
             if (av.dim() == 1) g2 = g2.unsqueeze(bv.dim() == 1 ? 0 : -2);
             if (bv.dim() == 1) g2 = g2.unsqueeze(-1);
             Tensor grad_a, grad_b;
             if (ga)
               grad_a = sum_to(matmul(g2, b2.transpose(-1, -2)), a2.sizes()).reshape(av.sizes());
             if (gb)
               grad_b = sum_to(matmul(a2.transpose(-1, -2), g2), b2.sizes()).reshape(bv.sizes());
             return std::vector<Tensor>{grad_a, grad_b};
           });
  }
  return out;
}

Tensor Tensor::matmul(const Tensor& o) const {
  return nw::matmul(*this, o);
}

}  // namespace nw
