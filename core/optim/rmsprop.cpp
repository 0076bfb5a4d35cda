#include "optim/rmsprop.h"

#include <cmath>

#include "optim/fused.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace nw::optim {

namespace {

ValueMap to_values(const RMSpropOptions& o) {
  return {{"lr", o.lr},
          {"alpha", o.alpha},
          {"eps", o.eps},
          {"weight_decay", o.weight_decay},
          {"momentum", o.momentum},
          {"centered", o.centered},
          {"maximize", o.maximize}};
}

RMSpropOptions read(const ValueMap& m, const std::string& where) {
  RMSpropOptions o;
  o.lr = get_number(m, "lr", where);
  o.alpha = get_number(m, "alpha", where);
  o.eps = get_number(m, "eps", where);
  o.weight_decay = get_number(m, "weight_decay", where);
  o.momentum = get_number(m, "momentum", where);
  o.centered = get_flag(m, "centered", where);
  o.maximize = get_flag(m, "maximize", where);
  auto non_negative = [&](const char* key, double v) {
    if (!(v >= 0))
      throw Error(where + ": invalid " + key + " " + value_str(v) + "; use " + key + " >= 0");
  };
  non_negative("lr", o.lr);
  non_negative("eps", o.eps);
  non_negative("momentum", o.momentum);
  non_negative("weight_decay", o.weight_decay);
  non_negative("alpha", o.alpha);
  return o;
}

// A fused step's operands and scalars, the scalars rounded to T as PyTorch's kernels round them.
template <typename T>
struct RMSpropArgs {
  T *p, *sq, *grad_avg, *buf;  // grad_avg: centered only; buf: momentum only
  const T* grad;
  T alpha, one_alpha, eps, wd, mom, neg_lr, sign;
};

// One pass over the parameter: PyTorch's _single_tensor_rmsprop. The switches are template
// arguments, and each pass works on a local copy of the arguments (which nothing can alias), so
// that every loop vectorizes.
template <typename T, bool kDecay, bool kCentered, bool kMomentum>
void rmsprop_kernel(int64_t n, const RMSpropArgs<T>& args) {
  detail::parallel_range(n, [&](int64_t begin, int64_t end) {
    detail::sqrt_blocks<T>(
        begin, end,
        [&](int64_t b, int64_t len, T* __restrict variance) {
          const RMSpropArgs<T> a = args;
          for (int64_t k = 0; k < len; ++k) {
            const int64_t i = b + k;
            T g = a.sign * a.grad[i];
            if constexpr (kDecay) g = g + a.wd * a.p[i];
            const T s = a.sq[i] * a.alpha + a.one_alpha * g * g;
            a.sq[i] = s;
            if constexpr (kCentered) {
              const T ga = a.grad_avg[i] * a.alpha + a.one_alpha * g;
              a.grad_avg[i] = ga;
              variance[k] = s + T(-1) * ga * ga;
            } else {
              variance[k] = s;
            }
          }
        },
        [&](int64_t b, int64_t len, const T* __restrict root) {
          const RMSpropArgs<T> a = args;
          for (int64_t k = 0; k < len; ++k) {
            const int64_t i = b + k;
            T g = a.sign * a.grad[i];  // recomputed: cheaper than keeping a second block
            if constexpr (kDecay) g = g + a.wd * a.p[i];
            const T avg = root[k] + a.eps;
            if constexpr (kMomentum) {
              const T m = a.buf[i] * a.mom + g / avg;
              a.buf[i] = m;
              a.p[i] = a.p[i] + a.neg_lr * m;
            } else {
              a.p[i] = a.p[i] + a.neg_lr * g / avg;
            }
          }
        });
  });
}

template <typename T>
void rmsprop_fused(const Tensor& p, const Tensor& grad, const Tensor& sq, const Tensor* grad_avg,
                   const Tensor* buf, const RMSpropOptions& o) {
  const RMSpropArgs<T> a{p.data_ptr<T>(),     sq.data_ptr<T>(),   detail::ptr<T>(grad_avg),
                         detail::ptr<T>(buf), grad.data_ptr<T>(), T(o.alpha),
                         T(1 - o.alpha),      T(o.eps),           T(o.weight_decay),
                         T(o.momentum),       T(-o.lr),           o.maximize ? T(-1) : T(1)};
  auto run = [&](auto decay, auto centered, auto momentum) {
    rmsprop_kernel<T, decltype(decay)::value, decltype(centered)::value, decltype(momentum)::value>(
        p.numel(), a);
  };
  detail::with_flags(run, o.weight_decay != 0, grad_avg != nullptr, buf != nullptr);
}

// The same update with tensor ops, for parameters the fused loop does not take.
void rmsprop_ops(Tensor& p, const Tensor& grad, Tensor& sq, Tensor* grad_avg, Tensor* buf,
                 const RMSpropOptions& o) {
  Tensor g = o.maximize ? neg(grad) : grad;
  if (o.weight_decay != 0) g = g.add(p, o.weight_decay);
  sq.mul_(o.alpha).add_(g * g, 1 - o.alpha);
  Tensor avg;
  if (grad_avg) {
    grad_avg->mul_(o.alpha).add_(g, 1 - o.alpha);
    avg = sqrt(sq - *grad_avg * *grad_avg);
  } else {
    avg = sqrt(sq);
  }
  avg = avg + o.eps;
  if (buf) {
    buf->mul_(o.momentum).add_(g / avg);
    p.add_(*buf, -o.lr);
  } else {
    p.add_(g / avg, -o.lr);
  }
}

}  // namespace

RMSprop::RMSprop(std::vector<Tensor> params, const RMSpropOptions& options)
    : RMSprop(single_group(std::move(params)), options) {}

RMSprop::RMSprop(std::vector<ParamGroup> groups, const RMSpropOptions& defaults)
    : Optimizer("RMSprop", to_values(defaults)) {
  add_param_groups(std::move(groups));
}

void RMSprop::check_options(const ValueMap& options, const std::string& where) const {
  read(options, where);
}

std::vector<std::string> RMSprop::state_names(const ValueMap& options) const {
  std::vector<std::string> names;
  if (get_flag(options, "centered", name())) names.push_back("grad_avg");
  if (get_number(options, "momentum", name()) > 0) names.push_back("momentum_buffer");
  names.push_back("square_avg");
  names.push_back("step");
  return names;
}

void RMSprop::update(ParamGroup& group, const std::string& where) {
  const RMSpropOptions o = read(group.options, where);
  for (Tensor& p : group.params) {
    const Tensor grad = p.grad();
    if (!grad.defined()) continue;
    check_grad(p, grad, where);
    ParamState& st = state_for(p);
    if (st.empty()) {
      st["step"] = zeros({}, kFloat32);
      st["square_avg"] = zeros_like(p);
    }
    // Switched on after the state was made (PyTorch would fail): start from zeros here.
    if (o.momentum > 0 && !st.count("momentum_buffer")) st["momentum_buffer"] = zeros_like(p);
    if (o.centered && !st.count("grad_avg")) st["grad_avg"] = zeros_like(p);
    *st["step"].data_ptr<float>() += 1;
    Tensor& sq = st["square_avg"];
    Tensor* grad_avg = o.centered ? &st["grad_avg"] : nullptr;
    Tensor* buf = o.momentum > 0 ? &st["momentum_buffer"] : nullptr;
    if (detail::fusable(p, {&grad, &sq, grad_avg, buf})) {
      if (p.dtype() == kFloat32)
        rmsprop_fused<float>(p, grad, sq, grad_avg, buf, o);
      else
        rmsprop_fused<double>(p, grad, sq, grad_avg, buf, o);
      p.storage()->bump_version();
    } else {
      rmsprop_ops(p, grad, sq, grad_avg, buf, o);
    }
  }
}

}  // namespace nw::optim
