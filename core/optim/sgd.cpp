#include "optim/sgd.h"

#include <cmath>

#include "backend/optimizer_kernels.h"
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
    OptimizerKernels* fused = optimizer_kernels_for(p.device());
    const SgdStep s{o.lr, o.momentum, o.dampening, o.weight_decay, o.nesterov, o.maximize, first};
    if (fused && fused->sgd_step(p, grad, buf ? *buf : Tensor(), s))
      p.storage()->bump_version();
    else
      sgd_ops(p, grad, buf, first, o);
  }
}

}  // namespace nw::optim
