#include "optim/rmsprop.h"

#include <cmath>

#include "backend/optimizer_kernels.h"
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
    OptimizerKernels* fused = optimizer_kernels_for(p.device());
    const RmspropStep s{o.lr, o.alpha, o.eps, o.weight_decay, o.momentum, o.maximize};
    if (fused &&
        fused->rmsprop_step(p, grad, sq, grad_avg ? *grad_avg : Tensor(), buf ? *buf : Tensor(), s))
      p.storage()->bump_version();
    else
      rmsprop_ops(p, grad, sq, grad_avg, buf, o);
  }
}

}  // namespace nw::optim
