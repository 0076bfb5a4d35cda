#include "optim/adam.h"

#include <cmath>

#include "backend/optimizer_kernels.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace nw::optim {

namespace {

// AdamOptions and AdamWOptions differ only in the default weight decay.
template <typename O>
ValueMap to_values(const O& o) {
  return {{"lr", o.lr},           {"betas", std::vector<double>{o.betas.first, o.betas.second}},
          {"eps", o.eps},         {"weight_decay", o.weight_decay},
          {"amsgrad", o.amsgrad}, {"maximize", o.maximize}};
}

AdamOptions read(const ValueMap& m, const std::string& where) {
  AdamOptions o;
  o.lr = get_number(m, "lr", where);
  const std::vector<double>& betas = get_tuple(m, "betas", where);
  if (betas.size() != 2)
    throw Error(where + ": betas must hold two numbers, got " + value_str(betas));
  o.betas = {betas[0], betas[1]};
  o.eps = get_number(m, "eps", where);
  o.weight_decay = get_number(m, "weight_decay", where);
  o.amsgrad = get_flag(m, "amsgrad", where);
  o.maximize = get_flag(m, "maximize", where);
  if (!(o.lr >= 0))
    throw Error(where + ": invalid learning rate " + value_str(o.lr) + "; use lr >= 0");
  if (!(o.eps >= 0)) throw Error(where + ": invalid eps " + value_str(o.eps) + "; use eps >= 0");
  for (int i = 0; i < 2; ++i) {
    const double b = betas[size_t(i)];
    if (!(b >= 0 && b < 1))
      throw Error(where + ": invalid beta parameter at index " + std::to_string(i) + ": " +
                  value_str(b) + "; each of betas must be in [0, 1), e.g. (0.9, 0.999)");
  }
  if (!(o.weight_decay >= 0))
    throw Error(where + ": invalid weight_decay " + value_str(o.weight_decay) +
                "; use weight_decay >= 0");
  return o;
}

// The per-step scalars, computed in double as PyTorch computes them in Python.
struct StepScalars {
  double step_size, bias_correction2_sqrt, decay;
};

StepScalars scalars(const AdamOptions& o, double step) {
  const double bias_correction1 = 1 - std::pow(o.betas.first, step);
  const double bias_correction2 = 1 - std::pow(o.betas.second, step);
  return {o.lr / bias_correction1, std::sqrt(bias_correction2), 1 - o.lr * o.weight_decay};
}

// The same update with tensor ops, for parameters the fused loop does not take.
void adam_ops(Tensor& p, const Tensor& grad, Tensor& m, Tensor& v, Tensor* v_max,
              const AdamOptions& o, const StepScalars& s, bool decoupled) {
  Tensor g = o.maximize ? neg(grad) : grad;
  if (decoupled) p.mul_(s.decay);
  if (!decoupled && o.weight_decay != 0) g = g.add(p, o.weight_decay);
  m.mul_(o.betas.first).add_(g, 1 - o.betas.first);
  v.mul_(o.betas.second).add_(g * g, 1 - o.betas.second);
  Tensor second = v;
  if (v_max) {
    v_max->copy_(maximum(*v_max, v));
    second = *v_max;
  }
  const Tensor denom = sqrt(second) / s.bias_correction2_sqrt + o.eps;
  p.add_(m / denom, -s.step_size);
}

}  // namespace

Adam::Adam(std::vector<Tensor> params, const AdamOptions& options)
    : Adam(single_group(std::move(params)), options) {}

Adam::Adam(std::vector<ParamGroup> groups, const AdamOptions& defaults)
    : Adam("Adam", std::move(groups), to_values(defaults), false) {}

Adam::Adam(const char* name, std::vector<ParamGroup> groups, ValueMap defaults, bool decoupled)
    : Optimizer(name, std::move(defaults)), decoupled_(decoupled) {
  add_param_groups(std::move(groups));
}

AdamW::AdamW(std::vector<Tensor> params, const AdamWOptions& options)
    : AdamW(single_group(std::move(params)), options) {}

AdamW::AdamW(std::vector<ParamGroup> groups, const AdamWOptions& defaults)
    : Adam("AdamW", std::move(groups), to_values(defaults), true) {}

void Adam::check_options(const ValueMap& options, const std::string& where) const {
  read(options, where);
}

std::vector<std::string> Adam::state_names(const ValueMap& options) const {
  if (get_flag(options, "amsgrad", name()))
    return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"};
  return {"exp_avg", "exp_avg_sq", "step"};
}

void Adam::update(ParamGroup& group, const std::string& where) {
  const AdamOptions o = read(group.options, where);
  for (Tensor& p : group.params) {
    const Tensor grad = p.grad();
    if (!grad.defined()) continue;
    check_grad(p, grad, where);
    ParamState& st = state_for(p);
    if (st.empty()) {
      st["step"] = zeros({}, kFloat32);
      st["exp_avg"] = zeros_like(p);
      st["exp_avg_sq"] = zeros_like(p);
    }
    // A state loaded without amsgrad, stepped with it: PyTorch would fail; start the max here.
    if (o.amsgrad && !st.count("max_exp_avg_sq")) st["max_exp_avg_sq"] = zeros_like(p);
    Tensor& m = st["exp_avg"];
    Tensor& v = st["exp_avg_sq"];
    Tensor* v_max = o.amsgrad ? &st["max_exp_avg_sq"] : nullptr;
    // PyTorch counts steps in a float32 tensor and reads the count back as a Python number.
    float& step = *st["step"].data_ptr<float>();
    step += 1;
    const StepScalars s = scalars(o, step);
    OptimizerKernels* fused = optimizer_kernels_for(p.device());
    const AdamStep a{o.betas.first,  o.betas.second, o.eps,
                     o.weight_decay, s.step_size,    s.bias_correction2_sqrt,
                     s.decay,        o.maximize,     decoupled_};
    if (fused && fused->adam_step(p, grad, m, v, v_max ? *v_max : Tensor(), a))
      p.storage()->bump_version();
    else
      adam_ops(p, grad, m, v, v_max, o, s, decoupled_);
  }
}

}  // namespace nw::optim
