#include "optim/sgd.h"

#include <cmath>

#include "optim/fused.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace nw::optim {

namespace {

ValueMap to_values(const SGDOptions& o) {
  return {{"lr", o.lr},
          {"momentum", o.momentum},
          {"dampening", o.dampening},
          {"weight_decay", o.weight_decay},
          {"nesterov", o.nesterov},
          {"maximize", o.maximize}};
}

SGDOptions read(const ValueMap& m, const std::string& where) {
  SGDOptions o;
  o.lr = get_number(m, "lr", where);
  o.momentum = get_number(m, "momentum", where);
  o.dampening = get_number(m, "dampening", where);
  o.weight_decay = get_number(m, "weight_decay", where);
  o.nesterov = get_flag(m, "nesterov", where);
  o.maximize = get_flag(m, "maximize", where);
  if (std::isnan(o.lr))
    throw Error(where +
                ": lr is required (SGD has no default learning rate); pass "
                "SGDOptions{.lr = 0.01}, or give every group an \"lr\"");
  if (o.lr < 0) throw Error(where + ": invalid learning rate " + value_str(o.lr) + "; use lr >= 0");
  if (o.momentum < 0)
    throw Error(where + ": invalid momentum " + value_str(o.momentum) + "; use momentum >= 0");
  if (o.weight_decay < 0)
    throw Error(where + ": invalid weight_decay " + value_str(o.weight_decay) +
                "; use weight_decay >= 0");
  if (o.nesterov && (o.momentum <= 0 || o.dampening != 0))
    throw Error(where +
                ": Nesterov momentum requires momentum > 0 and dampening == 0, got momentum " +
                value_str(o.momentum) + " and dampening " + value_str(o.dampening));
  return o;
}

// A fused step's operands and scalars, the scalars rounded to T as PyTorch's kernels round them.
template <typename T>
struct SGDArgs {
  T *p, *buf;  // buf: momentum only
  const T* grad;
  T wd, mom, keep, neg_lr, sign;
};

// One pass over the parameter: PyTorch's _single_tensor_sgd; kFirst makes the momentum buffer d,
// as PyTorch's clone does. The switches are template arguments, and the loop works on a local
// copy of the arguments (which nothing can alias), so that it vectorizes.
template <typename T, bool kDecay, bool kMomentum, bool kFirst, bool kNesterov>
void sgd_kernel(int64_t n, const SGDArgs<T>& args) {
  detail::parallel_range(n, [&](int64_t begin, int64_t end) {
    const SGDArgs<T> a = args;
    for (int64_t i = begin; i < end; ++i) {
      T d = a.sign * a.grad[i];
      if constexpr (kDecay) d = d + a.wd * a.p[i];
      if constexpr (kMomentum) {
        const T b = kFirst ? d : a.buf[i] * a.mom + a.keep * d;
        a.buf[i] = b;
        d = kNesterov ? d + a.mom * b : b;
      }
      a.p[i] = a.p[i] + a.neg_lr * d;
    }
  });
}

template <typename T>
void sgd_fused(const Tensor& p, const Tensor& grad, const Tensor* buf, bool first,
               const SGDOptions& o) {
  const SGDArgs<T> a{
      p.data_ptr<T>(), detail::ptr<T>(buf), grad.data_ptr<T>(), T(o.weight_decay),
      T(o.momentum),   T(1 - o.dampening),  T(-o.lr),           o.maximize ? T(-1) : T(1)};
  auto run = [&](auto decay, auto momentum, auto first_step, auto nesterov) {
    sgd_kernel<T, decltype(decay)::value, decltype(momentum)::value, decltype(first_step)::value,
               decltype(nesterov)::value>(p.numel(), a);
  };
  detail::with_flags(run, o.weight_decay != 0, buf != nullptr, first, o.nesterov);
}

// The same update with tensor ops, for parameters the fused loop does not take.
void sgd_ops(Tensor& p, const Tensor& grad, Tensor* buf, bool first, const SGDOptions& o) {
  Tensor d = o.maximize ? neg(grad) : grad;
  if (o.weight_decay != 0) d = d.add(p, o.weight_decay);
  if (buf) {
    if (first)
      buf->copy_(d);
    else
      buf->mul_(o.momentum).add_(d, 1 - o.dampening);
    d = o.nesterov ? d.add(*buf, o.momentum) : *buf;
  }
  p.add_(d, -o.lr);
}

}  // namespace

SGD::SGD(std::vector<Tensor> params, const SGDOptions& options)
    : SGD(single_group(std::move(params)), options) {}

SGD::SGD(std::vector<ParamGroup> groups, const SGDOptions& defaults)
    : Optimizer("SGD", to_values(defaults)) {
  add_param_groups(std::move(groups));
}

void SGD::check_options(const ValueMap& options, const std::string& where) const {
  read(options, where);
}

std::vector<std::string> SGD::state_names(const ValueMap& options) const {
  if (get_number(options, "momentum", name()) == 0) return {};
  return {"momentum_buffer"};
}

void SGD::update(ParamGroup& group, const std::string& where) {
  const SGDOptions o = read(group.options, where);
  for (Tensor& p : group.params) {
    const Tensor grad = p.grad();
    if (!grad.defined()) continue;
    check_grad(p, grad, where);
    Tensor* buf = nullptr;
    bool first = false;
    if (o.momentum != 0) {
      ParamState& st = state_for(p);
      auto it = st.find("momentum_buffer");
      if (it == st.end()) {
        first = true;
        it = st.emplace("momentum_buffer", empty_like(p)).first;
      }
      buf = &it->second;
    }
    if (detail::fusable(p, {&grad, buf})) {
      if (p.dtype() == kFloat32)
        sgd_fused<float>(p, grad, buf, first, o);
      else
        sgd_fused<double>(p, grad, buf, first, o);
      p.storage()->bump_version();
    } else {
      sgd_ops(p, grad, buf, first, o);
    }
  }
}

}  // namespace nw::optim
