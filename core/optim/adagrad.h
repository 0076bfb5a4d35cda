#pragma once
// Adagrad, as torch.optim.Adagrad (1.13):
//   g = grad (+ weight_decay * p);  clr = lr / (1 + (t - 1) lr_decay)
//   sum += g^2;  p -= clr g / (sqrt(sum) + eps)
#include "optim/optimizer.h"

namespace nw::optim {

struct AdagradOptions {
  double lr = 1e-2;
  double lr_decay = 0;
  double weight_decay = 0;
  double initial_accumulator_value = 0;
  double eps = 1e-10;
  bool maximize = false;
};

// State per parameter, made when its group is added (so state_dict() lists it before any step):
// "step" (float32 scalar) and "sum".
// NOTE: as in PyTorch 1.13, the groups given to the constructor start `sum` from the
// constructor's initial_accumulator_value even when a group sets its own; a group added later
// with add_param_group starts from its own value (PyTorch 1.13 gives it no state and fails).
class Adagrad : public Optimizer {
 public:
  Adagrad(std::vector<Tensor> params, const AdagradOptions& options = {});
  Adagrad(std::vector<ParamGroup> groups, const AdagradOptions& defaults = {});

 protected:
  void check_options(const ValueMap& options, const std::string& where) const override;
  std::vector<std::string> state_names(const ValueMap& options) const override;
  void update(ParamGroup& group, const std::string& where) override;
  void init_group_state(ParamGroup& group) override;

 private:
  void init_state(const Tensor& param, double initial_value);
  bool constructed_ = false;
  double initial_accumulator_value_;
};

}  // namespace nw::optim
