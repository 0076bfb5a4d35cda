// Reductions: sum, mean, max, min, argmax, argmin, var, std, logsumexp.
#include <cmath>

#include "ops/op_util.h"

namespace nw {

using autograd::record;
using autograd::SavedTensor;

namespace {

struct Reduction {
  std::vector<bool> reduced;  // per input dim
  Shape keep;                 // input shape with 1 on reduced dims
  Shape out;                  // keep, or keep without reduced dims
  int64_t count = 1;          // elements folded into each output
};

Reduction plan(const Tensor& x, const Shape& dims, bool keepdim, bool all, const char* op) {
  Reduction r;
  const int64_t n = x.dim();
  r.reduced.assign(size_t(n), all);
  if (!all)
    for (int64_t d : dims) {
      int64_t w = wrap_dim(d, n, op);
      if (n == 0) continue;
      if (r.reduced[size_t(w)])
        throw IndexError(std::string(op) + ": dimension " + std::to_string(d) +
                         " appears twice in the list of dims; list each dim once");
      r.reduced[size_t(w)] = true;
    }
  for (int64_t d = 0; d < n; ++d) {
    int64_t s = x.sizes()[size_t(d)];
    if (r.reduced[size_t(d)]) {
      r.keep.push_back(1);
      r.count *= s;
      if (keepdim) r.out.push_back(1);
    } else {
      r.keep.push_back(s);
      r.out.push_back(s);
    }
  }
  return r;
}

Tensor run_reduce(ReduceOp op, const Tensor& x, const Reduction& r, DType dt) {
  Tensor src = detail::as_dtype(x, dt);
  Tensor out = detail::new_tensor(r.keep, dt, x.device());
  backend_for(x.device()).reduce(op, src, out);
  return r.out == r.keep ? out : detail::make_view(out, r.out, contiguous_strides(r.out), 0);
}

void check_nonempty(const Tensor& x, const Reduction& r, const char* op) {
  if (x.numel() == 0 || r.count == 0)
    throw ShapeError(std::string(op) + ": cannot reduce an empty " + detail::describe(x) +
                     " (the operation has no identity); check the input's shape");
}

// The gradient of a reduction, seen with the input's rank (size 1 on reduced dims).
Tensor to_keep(const Tensor& g, const Shape& keep) {
  return g.reshape(keep);
}

Tensor sum_impl(const Tensor& x, const Shape& dims, bool keepdim, bool all) {
  detail::check_defined(x, "sum");
  Reduction r = plan(x, dims, keepdim, all, "sum");
  DType dt = is_floating(x.dtype()) ? x.dtype() : kInt64;
  Tensor out = run_reduce(ReduceOp::Sum, x, r, dt);
  if (autograd::needs_grad({&x}))
    record(out, all ? "SumBackward0" : "SumBackward1", {x},
           [keep = r.keep, sizes = x.sizes()](const Tensor& g) {
             return std::vector<Tensor>{to_keep(g, keep).expand(sizes)};
           });
  return out;
}

Tensor mean_impl(const Tensor& x, const Shape& dims, bool keepdim, bool all) {
  detail::check_defined(x, "mean");
  if (!is_floating(x.dtype()))
    throw DTypeError(std::string("mean: input dtype must be floating point, got ") +
                     dtype_name(x.dtype()) + "; convert with to(nw::kFloat32) first");
  Reduction r = plan(x, dims, keepdim, all, "mean");
  Tensor out = run_reduce(ReduceOp::Sum, x, r, x.dtype());
  const double n = double(r.count);
  backend_for(x.device()).unary(UnaryOp::Affine, out, out, 1.0 / n, 0.0);
  if (autograd::needs_grad({&x}))
    record(out, all ? "MeanBackward0" : "MeanBackward1", {x},
           [keep = r.keep, sizes = x.sizes(), n](const Tensor& g) {
             return std::vector<Tensor>{to_keep(g / n, keep).expand(sizes)};
           });
  return out;
}

// max() or min() over everything; ties share the gradient evenly, as in PyTorch.
Tensor extremum_all(const Tensor& x, bool is_max) {
  const char* op = is_max ? "max" : "min";
  detail::check_defined(x, op);
  Reduction r = plan(x, {}, false, true, op);
  check_nonempty(x, r, op);
  Tensor out = run_reduce(is_max ? ReduceOp::Max : ReduceOp::Min, x, r, x.dtype());
  if (autograd::needs_grad({&x}))
    record(out, is_max ? "MaxBackward1" : "MinBackward1", {x},
           [sx = SavedTensor(x), so = SavedTensor(out), is_max](const Tensor& g) {
             const char* name = is_max ? "MaxBackward1" : "MinBackward1";
             Tensor mask = (sx.unpack(name) == so.unpack(name)).to(g.dtype());
             return std::vector<Tensor>{mask * (g / mask.sum())};
           });
  return out;
}

Tensor arg_impl(const Tensor& x, std::optional<int64_t> dim, bool keepdim, bool is_max) {
  const char* op = is_max ? "argmax" : "argmin";
  detail::check_defined(x, op);
  if (!dim) {
    Tensor flat = x.detach().reshape({x.numel()});
    Tensor r = arg_impl(flat, 0, false, is_max);
    return keepdim ? r.reshape(Shape(size_t(x.dim()), 1)) : r;
  }
  int64_t d = wrap_dim(*dim, x.dim(), op);
  Tensor xs = x.dim() == 0 ? x.detach().reshape({1}) : x.detach();
  Reduction r = plan(xs, {d}, keepdim || x.dim() == 0, false, op);
  check_nonempty(xs, r, op);
  Tensor out = detail::new_tensor(r.keep, kInt64, x.device());
  backend_for(x.device()).arg_reduce(is_max, xs, d, out);
  if (x.dim() == 0) return out.reshape({});
  return r.out == r.keep ? out : out.reshape(r.out);
}

std::pair<Tensor, Tensor> extremum_dim(const Tensor& x, int64_t dim, bool keepdim, bool is_max) {
  const char* op = is_max ? "max" : "min";
  detail::check_defined(x, op);
  int64_t d = wrap_dim(dim, x.dim(), op);
  Tensor indices = arg_impl(x, d, keepdim, is_max);
  Reduction r = plan(x, {d}, keepdim, false, op);
  Tensor values = run_reduce(is_max ? ReduceOp::Max : ReduceOp::Min, x, r, x.dtype());
  if (autograd::needs_grad({&x}))
    record(
        values, is_max ? "MaxBackward0" : "MinBackward0", {x},
        [idx = indices, keep = r.keep, sizes = x.sizes(), d](const Tensor& g) {
          // The whole gradient goes to the element that was selected.
          Tensor gk = to_keep(g, keep);
          return std::vector<Tensor>{scatter_add(
              zeros(sizes, TensorOptions(g.dtype()).device(g.device())), d, idx.reshape(keep), gk)};
        });
  return {values, indices};
}

// Variance with `correction` = 1 (unbiased) or 0. Returns var and, for the backward, the mean.
Tensor var_impl(const Tensor& x, const Shape& dims, bool unbiased, bool keepdim, bool all,
                bool take_sqrt) {
  const char* op = take_sqrt ? "std" : "var";
  detail::check_defined(x, op);
  if (!is_floating(x.dtype()))
    throw DTypeError(std::string(op) + ": input dtype must be floating point, got " +
                     dtype_name(x.dtype()) + "; convert with to(nw::kFloat32) first");
  Reduction r = plan(x, dims, keepdim, all, op);
  const double denom = double(r.count) - (unbiased ? 1.0 : 0.0);
  Tensor out, mean_keep;
  {
    NoGradGuard ng;
    Tensor xd = x.detach();
    mean_keep = xd.mean(all ? Shape{} : dims, true);
    if (all) mean_keep = mean_keep.reshape(Shape(size_t(x.dim()), 1));
    Tensor d = xd - mean_keep;
    out = (d * d).sum(all ? Shape{} : dims, keepdim) / denom;
    if (all) out = out.reshape(r.out);
    if (take_sqrt) out = out.sqrt();
  }
  if (autograd::needs_grad({&x}))
    record(out, take_sqrt ? "StdBackward0" : "VarBackward0", {x},
           [sx = SavedTensor(x), so = SavedTensor(out), mean_keep, keep = r.keep, denom,
            take_sqrt](const Tensor& g) {
             const char* name = take_sqrt ? "StdBackward0" : "VarBackward0";
             Tensor dx = sx.unpack(name) - mean_keep;
             Tensor gk = to_keep(g, keep);
             if (take_sqrt)
               return std::vector<Tensor>{gk * dx / (to_keep(so.unpack(name), keep) * denom)};
             return std::vector<Tensor>{gk * dx * (2.0 / denom)};
           });
  return out;
}

}  // namespace

Tensor sum(const Tensor& x) {
  return sum_impl(x, {}, false, true);
}
Tensor sum(const Tensor& x, const Shape& dims, bool keepdim) {
  return sum_impl(x, dims, keepdim, dims.empty());
}
Tensor mean(const Tensor& x) {
  return mean_impl(x, {}, false, true);
}
Tensor mean(const Tensor& x, const Shape& dims, bool keepdim) {
  return mean_impl(x, dims, keepdim, dims.empty());
}
Tensor max(const Tensor& x) {
  return extremum_all(x, true);
}
Tensor min(const Tensor& x) {
  return extremum_all(x, false);
}
std::pair<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim) {
  return extremum_dim(x, dim, keepdim, true);
}
std::pair<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim) {
  return extremum_dim(x, dim, keepdim, false);
}
Tensor argmax(const Tensor& x) {
  return arg_impl(x, std::nullopt, false, true);
}
Tensor argmax(const Tensor& x, int64_t dim, bool keepdim) {
  return arg_impl(x, dim, keepdim, true);
}
Tensor argmin(const Tensor& x) {
  return arg_impl(x, std::nullopt, false, false);
}
Tensor argmin(const Tensor& x, int64_t dim, bool keepdim) {
  return arg_impl(x, dim, keepdim, false);
}
Tensor var(const Tensor& x, const Shape& dims, bool unbiased, bool keepdim) {
  return var_impl(x, dims, unbiased, keepdim, dims.empty(), false);
}
Tensor std(const Tensor& x, const Shape& dims, bool unbiased, bool keepdim) {
  return var_impl(x, dims, unbiased, keepdim, dims.empty(), true);
}

Tensor logsumexp(const Tensor& x, const Shape& dims, bool keepdim) {
  detail::check_defined(x, "logsumexp");
  Tensor xf = is_floating(x.dtype()) ? x : x.to(kFloat32);
  Reduction r = plan(xf, dims, keepdim, dims.empty(), "logsumexp");
  Tensor out;
  {
    NoGradGuard ng;
    Tensor xd = xf.detach();
    // Shift by the max so exp cannot overflow; an all -inf slice keeps a shift of 0.
    Tensor m =
        run_reduce(ReduceOp::Max, xd, plan(xd, dims, true, dims.empty(), "logsumexp"), xd.dtype());
    m = where(m.abs() == std::numeric_limits<double>::infinity(), zeros_like(m), m);
    Tensor s = (xd - m).exp().sum(dims, true).log() + m;
    out = s.reshape(r.out);
  }
  if (autograd::needs_grad({&xf}))
    record(out, "LogsumexpBackward0", {xf},
           [sx = SavedTensor(xf), so = SavedTensor(out), keep = r.keep](const Tensor& g) {
             Tensor y = to_keep(so.unpack("LogsumexpBackward0"), keep);
             return std::vector<Tensor>{to_keep(g, keep) *
                                        (sx.unpack("LogsumexpBackward0") - y).exp()};
           });
  return out;
}

Tensor sum_to(const Tensor& x, const Shape& shape) {
  if (x.sizes() == shape) return x;
  const int64_t lead = x.dim() - int64_t(shape.size());
  if (lead < 0)
    throw ShapeError("sum_to: cannot reduce shape " + shape_str(x.sizes()) + " to the larger " +
                     shape_str(shape));
  Shape dims;
  for (int64_t d = 0; d < x.dim(); ++d)
    if (d < lead || (shape[size_t(d - lead)] == 1 && x.sizes()[size_t(d)] != 1)) dims.push_back(d);
  Tensor r = dims.empty() ? x : x.sum(dims, true);
  return r.reshape(shape);
}

Tensor Tensor::sum() const {
  return nw::sum(*this);
}
Tensor Tensor::sum(const Shape& dims, bool keepdim) const {
  return nw::sum(*this, dims, keepdim);
}
Tensor Tensor::mean() const {
  return nw::mean(*this);
}
Tensor Tensor::mean(const Shape& dims, bool keepdim) const {
  return nw::mean(*this, dims, keepdim);
}
Tensor Tensor::max() const {
  return nw::max(*this);
}
std::pair<Tensor, Tensor> Tensor::max(int64_t dim, bool keepdim) const {
  return nw::max(*this, dim, keepdim);
}
Tensor Tensor::min() const {
  return nw::min(*this);
}
std::pair<Tensor, Tensor> Tensor::min(int64_t dim, bool keepdim) const {
  return nw::min(*this, dim, keepdim);
}
Tensor Tensor::argmax() const {
  return nw::argmax(*this);
}
Tensor Tensor::argmax(int64_t dim, bool keepdim) const {
  return nw::argmax(*this, dim, keepdim);
}
Tensor Tensor::argmin() const {
  return nw::argmin(*this);
}
Tensor Tensor::argmin(int64_t dim, bool keepdim) const {
  return nw::argmin(*this, dim, keepdim);
}
Tensor Tensor::var(const Shape& dims, bool unbiased, bool keepdim) const {
  return nw::var(*this, dims, unbiased, keepdim);
}
Tensor Tensor::std(const Shape& dims, bool unbiased, bool keepdim) const {
  return nw::std(*this, dims, unbiased, keepdim);
}
Tensor Tensor::logsumexp(const Shape& dims, bool keepdim) const {
  return nw::logsumexp(*this, dims, keepdim);
}

}  // namespace nw
