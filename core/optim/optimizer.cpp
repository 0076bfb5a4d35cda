#include "optim/optimizer.h"

#include <algorithm>
#include <set>

#include "autograd/grad_mode.h"
#include "tensor/creation.h"

namespace nw::optim {

double ParamGroup::lr() const {
  return get_number(options, "lr", "parameter group");
}

Optimizer::Optimizer(std::string name, ValueMap defaults)
    : name_(std::move(name)), defaults_(std::move(defaults)) {}

std::vector<ParamGroup> Optimizer::single_group(std::vector<Tensor> params) {
  std::vector<ParamGroup> groups;
  if (!params.empty()) groups.push_back(ParamGroup{std::move(params), {}});
  return groups;
}

void Optimizer::add_param_groups(std::vector<ParamGroup> groups) {
  if (groups.empty())
    throw Error(name_ +
                ": got an empty parameter list; pass the tensors to optimize, e.g. "
                "model.parameters()");
  for (ParamGroup& g : groups) add_param_group(std::move(g));
}

std::string Optimizer::group_where(size_t index) const {
  return name_ + " parameter group " + std::to_string(index);
}

void Optimizer::add_param_group(ParamGroup group) {
  const std::string where = group_where(groups_.size());
  std::set<const TensorImpl*> seen;
  for (const ParamGroup& g : groups_)
    for (const Tensor& p : g.params) seen.insert(p.impl());
  for (size_t i = 0; i < group.params.size(); ++i) {
    const Tensor& p = group.params[i];
    const std::string which = where + ", parameter " + std::to_string(i);
    if (!p.defined()) throw Error(which + ": is an undefined tensor; pass a real parameter");
    if (!p.is_leaf())
      throw Error(which +
                  ": can't optimize a non-leaf tensor (it is the result of an op); optimize "
                  "the leaf it came from, or a detach()ed copy made to require grad");
    if (!p.is_floating_point())
      throw DTypeError(which + ": is " + dtype_name(p.dtype()) +
                       "; only floating-point tensors can be optimized");
    if (!seen.insert(p.impl()).second)
      throw Error(which +
                  ": appears twice (in this group or in an earlier one); give each "
                  "parameter to one group only");
  }
  for (const auto& [key, value] : defaults_) group.options.try_emplace(key, value);
  check_options(group.options, where);
  groups_.push_back(std::move(group));
  init_group_state(groups_.back());
}

void Optimizer::step() {
  NoGradGuard no_grad;
  for (size_t g = 0; g < groups_.size(); ++g) {
    if (wheres_.size() <= g) wheres_.push_back(group_where(g));
    update(groups_[g], wheres_[g]);
  }
}

Tensor Optimizer::step(const std::function<Tensor()>& closure) {
  Tensor loss;
  {
    EnableGradGuard grad_on;
    loss = closure();
  }
  step();
  return loss;
}

void Optimizer::zero_grad(bool set_to_none) {
  NoGradGuard no_grad;
  for (ParamGroup& g : groups_) {
    for (Tensor& p : g.params) {
      Tensor grad = p.grad();
      if (!grad.defined()) continue;
      if (set_to_none) {
        p.set_grad(Tensor());
        continue;
      }
      // A gradient made with a graph (create_graph) is cut from it before being zeroed, as
      // PyTorch's detach_() does.
      if (grad.grad_fn()) {
        grad = grad.detach();
        p.set_grad(grad);
      }
      grad.zero_();
    }
  }
}

ParamState& Optimizer::state_for(const Tensor& param) {
  return state_[param.impl_ptr()];
}

void Optimizer::check_grad(const Tensor& param, const Tensor& grad, const std::string& where) {
  if (grad.sizes() != param.sizes())
    throw ShapeError(where + ": a parameter of shape " + shape_str(param.sizes()) +
                     " has a gradient of shape " + shape_str(grad.sizes()) +
                     "; a gradient must have its parameter's shape");
}

const ParamState* Optimizer::state(const Tensor& param) const {
  const auto it = state_.find(param.impl_ptr());
  return it == state_.end() ? nullptr : &it->second;
}

OptimizerState Optimizer::state_dict() const {
  NoGradGuard no_grad;
  OptimizerState s;
  int64_t index = 0;
  for (const ParamGroup& g : groups_) {
    GroupState gs;
    gs.options = g.options;
    for (const Tensor& p : g.params) {
      gs.params.push_back(index);
      const ParamState* ps = state(p);
      if (ps && !ps->empty()) {
        ParamState& out = s.state[index];
        for (const auto& [key, t] : *ps) out[key] = t.clone();
      }
      ++index;
    }
    s.param_groups.push_back(std::move(gs));
  }
  return s;
}

namespace {

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
  return s.empty() ? "nothing" : s;
}

// A copy of a saved state tensor in the form a live one has: "step" a float32 CPU scalar, the
// rest contiguous with the parameter's dtype and device.
Tensor adopt(const std::string& key, const Tensor& saved, const Tensor& param,
             const std::string& where) {
  if (!saved.defined()) throw Error(where + ": state '" + key + "' is an undefined tensor");
  if (key == "step") {
    if (saved.numel() != 1)
      throw ShapeError(where + ": state 'step' has shape " + shape_str(saved.sizes()) +
                       ", expected a single number");
    return full({}, saved.to(kCPU).reshape({}).item<double>(), kFloat32);
  }
  if (saved.sizes() != param.sizes())
    throw ShapeError(where + ": state '" + key + "' has shape " + shape_str(saved.sizes()) +
                     " but the parameter has shape " + shape_str(param.sizes()) +
                     "; the state was saved for a different model");
  Tensor t = empty(param.sizes(), TensorOptions(param.dtype()).device(param.device()));
  t.copy_(saved);
  return t;
}

}  // namespace

void Optimizer::load_state_dict(const OptimizerState& s) {
  NoGradGuard no_grad;
  const std::string where = name_ + ".load_state_dict";
  if (s.param_groups.size() != groups_.size())
    throw Error(where + ": the state has " + std::to_string(s.param_groups.size()) +
                " parameter group(s), this optimizer has " + std::to_string(groups_.size()) +
                "; build the optimizer with the same groups as the one that was saved");

  // Saved position -> (group, parameter), and every group's new options, checked.
  std::map<int64_t, std::pair<size_t, size_t>> owner;
  std::vector<ValueMap> options(groups_.size());
  for (size_t g = 0; g < groups_.size(); ++g) {
    const GroupState& saved = s.param_groups[g];
    if (saved.params.size() != groups_[g].params.size())
      throw Error(where + ": parameter group " + std::to_string(g) + " of the state lists " +
                  std::to_string(saved.params.size()) + " parameter(s), this optimizer's has " +
                  std::to_string(groups_[g].params.size()) +
                  "; build the optimizer over the same parameters as the one that was saved");
    for (size_t i = 0; i < saved.params.size(); ++i) {
      if (!owner.emplace(saved.params[i], std::make_pair(g, i)).second)
        throw Error(where + ": the state lists parameter " + std::to_string(saved.params[i]) +
                    " twice; it is damaged");
    }
    options[g] = saved.options;
    // Keys missing from an older state take the defaults, as PyTorch's __setstate__ does.
    for (const auto& [key, value] : defaults_) options[g].try_emplace(key, value);
    check_options(options[g], where + ", parameter group " + std::to_string(g));
  }

  std::unordered_map<std::shared_ptr<TensorImpl>, ParamState> state;
  for (const auto& [index, saved] : s.state) {
    const auto it = owner.find(index);
    if (it == owner.end())
      throw Error(where + ": the state has an entry for parameter " + std::to_string(index) +
                  ", which no group lists; it is damaged or from another optimizer");
    const auto [g, i] = it->second;
    const Tensor& param = groups_[g].params[i];
    const std::string which =
        where + ", parameter " + std::to_string(index) + " (group " + std::to_string(g) + ")";
    if (saved.empty()) continue;
    const std::vector<std::string> names = state_names(options[g]);
    for (const std::string& n : names) {
      if (!saved.count(n))
        throw Error(which + ": the state lacks '" + n + "'; " + name_ +
                    " with these settings keeps " + join(names));
    }
    ParamState ps;
    for (const auto& [key, t] : saved) {
      if (std::find(names.begin(), names.end(), key) == names.end())
        throw Error(which + ": unexpected state '" + key + "'; " + name_ +
                    " with these settings keeps " + join(names) +
                    " (was the state saved by another optimizer?)");
      ps[key] = adopt(key, t, param, which);
    }
    state[param.impl_ptr()] = std::move(ps);
  }

  for (size_t g = 0; g < groups_.size(); ++g) groups_[g].options = std::move(options[g]);
  state_ = std::move(state);
}

}  // namespace nw::optim
