// linear as one op: a single GEMM forward (bias added in place), and one GEMM per gradient in the
// backward, all over the leading dimensions flattened into rows. This is the hot path of a
// multilayer perceptron, so nothing is copied unless the input's layout forces it.
#include "nn/functional/linear.h"

#include <string>

#include "ops/op_util.h"

namespace nw::nn::functional {

namespace {

// A (rows, cols) matrix seen as the (1, rows, cols) batch the backend's GEMM takes.
Tensor as_batch(const Tensor& m) {
  return nw::detail::make_view(m, {1, m.size(0), m.size(1)}, {0, m.stride(0), m.stride(1)},
                               m.storage_offset());
}

// The transpose of a matrix as a view (no autograd state).
Tensor transposed(const Tensor& m) {
  return nw::detail::make_view(m, {m.size(1), m.size(0)}, {m.stride(1), m.stride(0)},
                               m.storage_offset());
}

// a (M, K) @ b (K, N) into a new contiguous (M, N); transposed operands are read in place.
Tensor mm(const Tensor& a, const Tensor& b) {
  Tensor out = nw::detail::new_tensor({a.size(0), b.size(1)}, a.dtype(), a.device());
  backend_for(a.device()).bmm(as_batch(a), as_batch(b), as_batch(out));
  return out;
}

// x (..., K) as an (M, K) matrix: a view when the leading dimensions collapse, else a copy.
Tensor as_matrix(const Tensor& x, int64_t rows) {
  if (x.dim() == 2) return x.detach();
  return x.detach().reshape({rows, x.size(-1)});
}

void check_args(const Tensor& x, const Tensor& w, const Tensor& b) {
  nw::detail::check_defined(x, "linear");
  nw::detail::check_defined(w, "linear");
  if (w.dim() != 2)
    throw ShapeError("linear: weight must be 2-D (out_features, in_features), got shape " +
                     shape_str(w.sizes()));
  if (x.dim() == 0)
    throw ShapeError(
        "linear: input must have at least 1 dimension (..., in_features), got a 0-d "
        "tensor; reshape it to (1, " +
        std::to_string(w.size(1)) + ")");
  if (x.size(-1) != w.size(1))
    throw ShapeError("linear: input has " + std::to_string(x.size(-1)) +
                     " features in its last dimension but weight expects " +
                     std::to_string(w.size(1)) + " (weight shape " + shape_str(w.sizes()) +
                     ", input shape " + shape_str(x.sizes()) + "); set in_features to " +
                     std::to_string(x.size(-1)));
  nw::detail::check_same_device(x, w, "linear");
  if (x.dtype() != w.dtype() || !is_floating(x.dtype()))
    throw DTypeError(std::string("linear: input is ") + dtype_name(x.dtype()) + " but weight is " +
                     dtype_name(w.dtype()) +
                     "; both must share one floating dtype: convert the input with x.to(" +
                     dtype_name(is_floating(w.dtype()) ? w.dtype() : kFloat32) + ")");
  if (!b.defined()) return;
  nw::detail::check_same_device(x, b, "linear");
  if (b.dim() != 1 || b.size(0) != w.size(0))
    throw ShapeError("linear: bias of shape " + shape_str(b.sizes()) + " does not match " +
                     std::to_string(w.size(0)) + " out_features (weight shape " +
                     shape_str(w.sizes()) + "); bias must have shape " + shape_str({w.size(0)}));
  if (b.dtype() != w.dtype())
    throw DTypeError(std::string("linear: bias is ") + dtype_name(b.dtype()) + " but weight is " +
                     dtype_name(w.dtype()) + "; convert the bias with to(" + dtype_name(w.dtype()) +
                     ")");
}

}  // namespace

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  check_args(x, weight, bias);
  const int64_t K = weight.size(1), N = weight.size(0);
  const int64_t M =
      K == 0 ? numel_of(Shape(x.sizes().begin(), x.sizes().end() - 1)) : x.numel() / K;
  Shape out_shape = x.sizes();
  out_shape.back() = N;

  Tensor x2 = as_matrix(x, M);
  Tensor out2 = mm(x2, transposed(weight));
  if (bias.defined())
    backend_for(x.device())
        .binary(BinaryOp::Add, out2, nw::detail::broadcast_to(bias, {M, N}), out2);
  Tensor out = x.dim() == 2
                   ? out2
                   : nw::detail::make_view(out2, out_shape, contiguous_strides(out_shape), 0);

  if (!autograd::needs_grad({&x, &weight, &bias})) return out;
  const bool gx = x.requires_grad(), gw = weight.requires_grad();
  const bool gb = bias.defined() && bias.requires_grad();
  const char* node = bias.defined() ? "AddmmBackward0" : "MmBackward0";
  const size_t n_inputs = bias.defined() ? 3 : 2;
  // Each operand is kept only when the other's gradient needs it.
  autograd::record(
      out, node,
      bias.defined() ? std::vector<Tensor>{x, weight, bias} : std::vector<Tensor>{x, weight},
      [sx = autograd::SavedTensor(gw ? x : Tensor()),
       sw = autograd::SavedTensor(gx ? weight : Tensor()), x_shape = x.sizes(), M, N, gx, gw, gb,
       node, n_inputs](const Tensor& g) {
        Tensor g2 = g.dim() == 2 ? g : g.reshape({M, N});
        std::vector<Tensor> grads(n_inputs);
        if (gx) grads[0] = mm(g2, sw.unpack(node)).reshape(x_shape);           // g @ W
        if (gw) grads[1] = mm(transposed(g2), as_matrix(sx.unpack(node), M));  // g^T @ x
        if (gb) grads[2] = g2.sum({0});
        return grads;
      });
  return out;
}

}  // namespace nw::nn::functional
