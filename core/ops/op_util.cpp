#include "ops/op_util.h"

#include <cmath>

namespace nw::detail {

Tensor make_view(const Tensor& base, const Shape& sizes, const Shape& strides, int64_t offset) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = base.storage();
  impl->sizes = sizes;
  impl->strides = strides;
  impl->offset = offset;
  impl->dtype = base.dtype();
  return Tensor(std::move(impl));
}

Tensor broadcast_to(const Tensor& t, const Shape& shape) {
  if (t.sizes() == shape) return t.detach();
  const size_t n = shape.size(), k = size_t(t.dim());
  Shape strides(n, 0);
  for (size_t i = 0; i < k; ++i) {
    size_t d = n - k + i;
    strides[d] = t.sizes()[i] == 1 && shape[d] != 1 ? 0 : t.strides()[i];
  }
  return make_view(t, shape, strides, t.storage_offset());
}

Tensor as_dtype(const Tensor& t, DType dtype) {
  if (t.dtype() == dtype) return t.detach();
  NoGradGuard g;
  return t.detach().to(dtype);
}

void check_defined(const Tensor& t, const char* op) {
  if (!t.defined())
    throw Error(std::string(op) + ": an argument is an undefined Tensor; create it first");
}

void check_same_device(const Tensor& a, const Tensor& b, const char* op) {
  if (a.device() != b.device())
    throw DeviceError(std::string(op) + ": expected all tensors on the same device, but found " +
                      a.device().str() + " and " + b.device().str() +
                      "; move one with .to(device)");
}

namespace {
int category(DType t) {
  return t == kBool ? 0 : is_floating(t) ? 2 : 1;
}
}  // namespace

DType result_type(const Tensor& a, const Tensor& b) {
  const bool a0 = a.dim() == 0, b0 = b.dim() == 0;
  if (a0 != b0) {
    const Tensor& dimd = a0 ? b : a;
    const Tensor& zero = a0 ? a : b;
    if (category(zero.dtype()) <= category(dimd.dtype())) return dimd.dtype();
  }
  return promote_types(a.dtype(), b.dtype());
}

Tensor wrap_scalar(double value, const Tensor& like) {
  DType t = like.dtype();
  if (!is_floating(t) && value != std::floor(value)) t = kFloat32;
  if (t == kBool && value != 0.0 && value != 1.0) t = kInt64;
  Tensor s = new_tensor({}, t, like.device());
  backend_for(like.device()).fill(s, value);
  return s;
}

namespace {
std::shared_ptr<TensorImpl> base_of(const Tensor& t) {
  return t.impl()->base.lock();
}

void refuse_leaf(const Tensor& t, const char* op, bool via_view) {
  throw AutogradError(std::string(op) + ": a " + (via_view ? "view of a " : "") +
                      "leaf tensor that requires grad is being used in an in-place operation; "
                      "wrap the update in nw::NoGradGuard (as optimizers do) or use the "
                      "out-of-place form" +
                      (t.defined() ? "" : ""));
}
}  // namespace

void check_inplace(const Tensor& t, const char* op) {
  if (!is_grad_enabled()) return;
  if (t.is_leaf() && t.requires_grad()) refuse_leaf(t, op, false);
  if (auto b = base_of(t); b && b->grad_fn == nullptr && b->requires_grad) refuse_leaf(t, op, true);
}

bool inplace_records(const Tensor& self, const Tensor* operand, const char* op) {
  if (!is_grad_enabled()) return false;
  check_inplace(self, op);
  auto b = base_of(self);
  return self.requires_grad() || (operand && operand->defined() && operand->requires_grad()) ||
         (b && b->grad_fn);
}

Tensor view_of(const Tensor& base, const Shape& sizes, const Shape& strides, int64_t offset) {
  Tensor v = make_view(base, sizes, strides, offset);
  auto root = base_of(base);
  v.impl()->base = root ? root : base.impl_ptr();
  return v;
}

Tensor storage_positions(const Tensor& view, const Tensor& base, const char* op) {
  if (!base.is_contiguous())
    throw AutogradError(std::string(op) +
                        ": gradients through this write need the viewed "
                        "tensor to be contiguous, but it has shape " +
                        shape_str(base.sizes()) + " and strides " + shape_str(base.strides()) +
                        "; call contiguous() on "
                        "it before taking the view");
  NoGradGuard ng;
  Tensor pos = full(view.sizes(), double(view.storage_offset() - base.storage_offset()),
                    TensorOptions(kInt64).device(view.device()));
  for (int64_t d = 0; d < view.dim(); ++d) {
    Shape s(size_t(view.dim()), 1);
    s[size_t(d)] = view.size(d);
    pos = pos + (arange(double(view.size(d)), TensorOptions(kInt64).device(view.device())) *
                 double(view.stride(d)))
                    .reshape(s);
  }
  if (pos.numel() && (pos.min().item<int64_t>() < 0 || pos.max().item<int64_t>() >= base.numel()))
    throw AutogradError(std::string(op) +
                        ": the view reaches outside the tensor it views; "
                        "gradients cannot be mapped back");
  return pos;
}

namespace {
// values (shape of pos) placed at pos inside a zero tensor of `sizes`; differentiable in values.
Tensor embed(const Tensor& values, const Tensor& pos, const Shape& sizes) {
  Tensor z = zeros({numel_of(sizes)}, TensorOptions(values.dtype()).device(values.device()));
  return scatter_add(z, 0, pos.reshape({-1}), values.contiguous().reshape({-1})).reshape(sizes);
}

void write_into(const Tensor& self, const Tensor& value) {
  NoGradGuard ng;
  backend_for(self.device()).copy(value.detach(), self);
  self.storage()->bump_version();
}
}  // namespace

void inplace_update(const Tensor& self, const char* op,
                    const std::function<Tensor(const Tensor& old)>& compute) {
  Tensor r = compute(self.clone());
  if (r.sizes() != self.sizes())
    throw ShapeError(std::string(op) + ": the result of shape " + shape_str(r.sizes()) +
                     " does not fit in the destination of shape " + shape_str(self.sizes()) +
                     "; in-place ops cannot grow their destination — use the out-of-place form");
  if (r.dtype() != self.dtype()) r = r.to(self.dtype());
  Tensor handle = self;
  auto b = base_of(self);
  if (!b) {
    write_into(self, r);
    handle.impl()->grad_fn = r.grad_fn();
    return;
  }
  // A view: rewrite the base as "old base with the view's region replaced by r".
  Tensor base(b);
  Tensor pos = storage_positions(self, base, op);
  Tensor mask;
  {
    NoGradGuard ng;
    Tensor hits = zeros({base.numel()}, TensorOptions(kInt64).device(base.device()));
    mask = scatter_add(hits, 0, pos.reshape({-1}),
                       ones({pos.numel()}, TensorOptions(kInt64).device(base.device()))) > 0.0;
    mask = mask.reshape(base.sizes());
  }
  Tensor new_base = where(mask, embed(r, pos, base.sizes()), base);
  if (new_base.dtype() != base.dtype()) new_base = new_base.to(base.dtype());
  write_into(base, new_base);
  base.impl()->grad_fn = new_base.grad_fn();
  autograd::record(handle, "AsStridedBackward0", {base},
                   [pos, sizes = base.sizes()](const Tensor& g) {
                     return std::vector<Tensor>{embed(g, pos, sizes)};
                   });
}

DType float_type(const Tensor& t) {
  return is_floating(t.dtype()) ? t.dtype() : kFloat32;
}

std::string describe(const Tensor& t) {
  return std::string(dtype_name(t.dtype())) + " tensor of shape " + shape_str(t.sizes());
}

Tensor grad_for(const Tensor& g, const Shape& sizes, DType dtype) {
  Tensor r = g.sizes() == sizes ? g : sum_to(g, sizes);
  return r.dtype() == dtype ? r : r.to(dtype);
}

}  // namespace nw::detail
