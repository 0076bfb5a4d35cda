#pragma once
// Adam and AdamW, as torch.optim.Adam and torch.optim.AdamW (1.13):
//   g = grad (Adam: + weight_decay * p);  AdamW first decays p *= 1 - lr * weight_decay
//   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2;  (amsgrad: v_max = max(v_max, v))
//   p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
#include <utility>

#include "optim/optimizer.h"

namespace nw::optim {

struct AdamOptions {
  double lr = 1e-3;
  std::pair<double, double> betas{0.9, 0.999};  // each in [0, 1)
  double eps = 1e-8;
  double weight_decay = 0;  // L2 penalty added to the gradient
  bool amsgrad = false;
  bool maximize = false;
};

struct AdamWOptions {
  double lr = 1e-3;
  std::pair<double, double> betas{0.9, 0.999};
  double eps = 1e-8;
  double weight_decay = 1e-2;  // decoupled: shrinks the parameter itself
  bool amsgrad = false;
  bool maximize = false;
};

// State per parameter: "step" (float32 scalar), "exp_avg", "exp_avg_sq", and "max_exp_avg_sq"
// with amsgrad.
class Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, const AdamOptions& options = {});
  Adam(std::vector<ParamGroup> groups, const AdamOptions& defaults = {});

 protected:
  Adam(const char* name, std::vector<ParamGroup> groups, ValueMap defaults, bool decoupled);
  void check_options(const ValueMap& options, const std::string& where) const override;
  std::vector<std::string> state_names(const ValueMap& options) const override;
  void update(ParamGroup& group, const std::string& where) override;

 private:
  bool decoupled_;  // AdamW's weight decay
};

class AdamW : public Adam {
 public:
  AdamW(std::vector<Tensor> params, const AdamWOptions& options = {});
  AdamW(std::vector<ParamGroup> groups, const AdamWOptions& defaults = {});
};

}  // namespace nw::optim
