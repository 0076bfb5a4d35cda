#include "optim/adagrad.h"

#include <cmath>

#include "optim/fused.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace nw::optim {

namespace {

ValueMap to_values(const AdagradOptions& o) {
  return {{"lr", o.lr},
          {"lr_decay", o.lr_decay},
          {"weight_decay", o.weight_decay},
          {"initial_accumulator_value", o.initial_accumulator_value},
          {"eps", o.eps},
          {"maximize", o.maximize}};
}

AdagradOptions read(const ValueMap& m, const std::string& where) {
  AdagradOptions o;
  o.lr = get_number(m, "lr", where);
  o.lr_decay = get_number(m, "lr_decay", where);
  o.weight_decay = get_number(m, "weight_decay", where);
  o.initial_accumulator_value = get_number(m, "initial_accumulator_value", where);
  o.eps = get_number(m, "eps", where);
  o.maximize = get_flag(m, "maximize", where);
  auto non_negative = [&](const char* key, double v) {
    if (!(v >= 0))
      throw Error(where + ": invalid " + key + " " + value_str(v) + "; use " + key + " >= 0");
  };
  non_negative("lr", o.lr);
  non_negative("lr_decay", o.lr_decay);
  non_negative("weight_decay", o.weight_decay);
  non_negative("initial_accumulator_value", o.initial_accumulator_value);
  non_negative("eps", o.eps);
  return o;
}

// A fused step's operands and scalars, the scalars rounded to T as PyTorch's kernels round them.
template <typename T>
struct AdagradArgs {
  T *p, *sum;
  const T* grad;
  T wd, eps, neg_clr, sign;
};

// One pass over the parameter: PyTorch's _single_tensor_adagrad (dense). Each pass works on a
// local copy of the arguments (which nothing can alias), so that its loop vectorizes.
template <typename T, bool kDecay>
void adagrad_kernel(int64_t n, const AdagradArgs<T>& args) {
  detail::parallel_range(n, [&](int64_t begin, int64_t end) {
    detail::sqrt_blocks<T>(
        begin, end,
        [&](int64_t b, int64_t len, T* __restrict total) {
          const AdagradArgs<T> a = args;
          for (int64_t k = 0; k < len; ++k) {
            const int64_t i = b + k;
            T g = a.sign * a.grad[i];
            if constexpr (kDecay) g = g + a.wd * a.p[i];
            const T s = a.sum[i] + g * g;
            a.sum[i] = s;
            total[k] = s;
          }
        },
        [&](int64_t b, int64_t len, const T* __restrict root) {
          const AdagradArgs<T> a = args;
          for (int64_t k = 0; k < len; ++k) {
            const int64_t i = b + k;
            T g = a.sign * a.grad[i];  // recomputed: cheaper than keeping a second block
            if constexpr (kDecay) g = g + a.wd * a.p[i];
            a.p[i] = a.p[i] + a.neg_clr * g / (root[k] + a.eps);
          }
        });
  });
}

template <typename T>
void adagrad_fused(const Tensor& p, const Tensor& grad, const Tensor& sum, double clr,
                   const AdagradOptions& o) {
  const AdagradArgs<T> a{p.data_ptr<T>(),          sum.data_ptr<T>(), grad.data_ptr<T>(),
                         T(o.weight_decay),        T(o.eps),          T(-clr),
                         o.maximize ? T(-1) : T(1)};
  auto run = [&](auto decay) { adagrad_kernel<T, decltype(decay)::value>(p.numel(), a); };
  detail::with_flags(run, o.weight_decay != 0);
}

}  // namespace

Adagrad::Adagrad(std::vector<Tensor> params, const AdagradOptions& options)
    : Adagrad(single_group(std::move(params)), options) {}

Adagrad::Adagrad(std::vector<ParamGroup> groups, const AdagradOptions& defaults)
    : Optimizer("Adagrad", to_values(defaults)),
      initial_accumulator_value_(defaults.initial_accumulator_value) {
  add_param_groups(std::move(groups));
  constructed_ = true;
}

void Adagrad::check_options(const ValueMap& options, const std::string& where) const {
  read(options, where);
}

std::vector<std::string> Adagrad::state_names(const ValueMap&) const {
  return {"step", "sum"};
}

void Adagrad::init_state(const Tensor& param, double initial_value) {
  ParamState& st = state_for(param);
  st["step"] = zeros({}, kFloat32);
  st["sum"] = full_like(param, initial_value);
}

void Adagrad::init_group_state(ParamGroup& group) {
  const double init = constructed_ ? get_number(group.options, "initial_accumulator_value", name())
                                   : initial_accumulator_value_;
  for (const Tensor& p : group.params) init_state(p, init);
}

void Adagrad::update(ParamGroup& group, const std::string& where) {
  const AdagradOptions o = read(group.options, where);
  for (Tensor& p : group.params) {
    const Tensor grad = p.grad();
    if (!grad.defined()) continue;
    check_grad(p, grad, where);
    // A loaded state may leave a parameter without state: start it as add_param_group would.
    if (!state(p)) init_state(p, o.initial_accumulator_value);
    ParamState& st = state_for(p);
    float& step_t = *st["step"].data_ptr<float>();
    step_t += 1;
    const double clr = o.lr / (1 + (double(step_t) - 1) * o.lr_decay);
    Tensor& sum = st["sum"];
    if (detail::fusable(p, {&grad, &sum})) {
      if (p.dtype() == kFloat32)
        adagrad_fused<float>(p, grad, sum, clr, o);
      else
        adagrad_fused<double>(p, grad, sum, clr, o);
      p.storage()->bump_version();
    } else {
      Tensor g = o.maximize ? neg(grad) : grad;
      if (o.weight_decay != 0) g = g.add(p, o.weight_decay);
      sum.add_(g * g);
      p.add_(g / (sqrt(sum) + o.eps), -clr);
    }
  }
}

}  // namespace nw::optim
