#include "optim/adagrad.h"

#include <cmath>

#include "backend/optimizer_kernels.h"
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
    OptimizerKernels* fused = optimizer_kernels_for(p.device());
    if (fused &&
        fused->adagrad_step(p, grad, sum, AdagradStep{clr, o.eps, o.weight_decay, o.maximize})) {
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
