#pragma once
// The optimizer base: parameter groups with their own hyperparameters, per-parameter state, and
// PyTorch's state_dict() layout, so that a run saved here resumes exactly and reads like PyTorch's.
//
//   nw::optim::Adam opt(model.parameters(), {.lr = 1e-3});
//   for (...) { opt.zero_grad(); loss.backward(); opt.step(); }
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "optim/value.h"
#include "tensor/tensor.h"

namespace nw::optim {

// A set of parameters sharing hyperparameters, as a dict in PyTorch's param_groups. `options`
// holds the group's own values by PyTorch's names ("lr", "betas", ...); the optimizer fills in its
// defaults for the rest when the group is added. Schedulers read and write "lr" here.
struct ParamGroup {
  std::vector<Tensor> params;
  ValueMap options;

  double lr() const;
  void set_lr(double lr) { options["lr"] = lr; }
};

// One parameter's state by PyTorch's names: "step" (a float32 scalar), "exp_avg", "exp_avg_sq",
// "max_exp_avg_sq", "momentum_buffer", "square_avg", "grad_avg", "sum".
using ParamState = std::map<std::string, Tensor>;

// PyTorch's optimizer.state_dict(): parameters are named by their position, counted across the
// groups in order; `state` has an entry only for parameters that have state (stepped at least
// once, or Adagrad's, made at construction).
struct GroupState {
  ValueMap options;             // every hyperparameter of the group (no "params")
  std::vector<int64_t> params;  // positions of the group's parameters
};
struct OptimizerState {
  std::map<int64_t, ParamState> state;
  std::vector<GroupState> param_groups;
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // Updates every parameter that has a gradient, under NoGradGuard; parameters whose grad is
  // undefined (frozen, or not reached by backward) are skipped and get no state.
  void step();
  // Runs `closure` (which recomputes the loss and its gradients) with grad mode on, then steps;
  // returns the closure's loss.
  Tensor step(const std::function<Tensor()>& closure);
  // set_to_none: drop the gradients (the next backward allocates them afresh); otherwise fill
  // them with zeros in place.
  void zero_grad(bool set_to_none = true);

  // Adds a group, filling in the optimizer's defaults; throws when a hyperparameter is invalid, a
  // parameter is not a leaf, or a parameter is already in a group.
  void add_param_group(ParamGroup group);
  std::vector<ParamGroup>& param_groups() { return groups_; }
  const std::vector<ParamGroup>& param_groups() const { return groups_; }
  const ValueMap& defaults() const { return defaults_; }
  const std::string& name() const { return name_; }  // "Adam", as PyTorch's class name

  // A snapshot (tensors are copied): later steps do not change it.
  OptimizerState state_dict() const;
  // Checks everything before changing anything: group and parameter counts, hyperparameters,
  // state names and shapes. State tensors are copied and converted to each parameter's dtype and
  // device ("step" stays a float32 scalar on the CPU).
  void load_state_dict(const OptimizerState& state);
  // The live state of `param`, or nullptr when it has none yet.
  const ParamState* state(const Tensor& param) const;

 protected:
  Optimizer(std::string name, ValueMap defaults);
  // For derived constructors (virtual calls must wait until the derived object exists).
  void add_param_groups(std::vector<ParamGroup> groups);
  static std::vector<ParamGroup> single_group(std::vector<Tensor> params);

  // Throws nw::Error naming the group when a hyperparameter is missing, of the wrong kind or
  // out of range. `where` reads like "Adam parameter group 1".
  virtual void check_options(const ValueMap& options, const std::string& where) const = 0;
  // The state names a parameter of a group with these options has once it has been stepped.
  virtual std::vector<std::string> state_names(const ValueMap& options) const = 0;
  // Updates the group's parameters that have gradients.
  virtual void update(ParamGroup& group, const std::string& where) = 0;
  // Adagrad makes its state when a group is added; the rest make it on the first step.
  virtual void init_group_state(ParamGroup&) {}

  ParamState& state_for(const Tensor& param);
  // Throws ShapeError when a gradient's shape differs from its parameter's.
  static void check_grad(const Tensor& param, const Tensor& grad, const std::string& where);
  std::string group_where(size_t index) const;

 private:
  std::string name_;
  ValueMap defaults_;
  std::vector<ParamGroup> groups_;
  // Keyed by the parameter itself, as PyTorch's self.state is; holding the handle keeps the key
  // alive.
  std::unordered_map<std::shared_ptr<TensorImpl>, ParamState> state_;
  std::vector<std::string> wheres_;  // group_where(i), made once rather than on every step
};

}  // namespace nw::optim
