#pragma once
// RMSprop, as torch.optim.RMSprop (1.13):
//   g = grad (+ weight_decay * p);  sq = alpha sq + (1 - alpha) g^2
//   centered: ga = alpha ga + (1 - alpha) g, avg = sqrt(sq - ga^2) + eps; else avg = sqrt(sq) + eps
//   momentum > 0: buf = momentum buf + g / avg, p -= lr buf;  else p -= lr g / avg
#include "optim/optimizer.h"

namespace nw::optim {

struct RMSpropOptions {
  double lr = 1e-2;
  double alpha = 0.99;  // smoothing constant
  double eps = 1e-8;
  double weight_decay = 0;
  double momentum = 0;
  bool centered = false;  // normalize by the estimated variance of the gradient
  bool maximize = false;
};

// State per parameter: "step" (float32 scalar; PyTorch 1.13 keeps a Python int), "square_avg",
// "momentum_buffer" when momentum > 0, "grad_avg" when centered.
class RMSprop : public Optimizer {
 public:
  RMSprop(std::vector<Tensor> params, const RMSpropOptions& options = {});
  RMSprop(std::vector<ParamGroup> groups, const RMSpropOptions& defaults = {});

 protected:
  void check_options(const ValueMap& options, const std::string& where) const override;
  std::vector<std::string> state_names(const ValueMap& options) const override;
  void update(ParamGroup& group, const std::string& where) override;
};

}  // namespace nw::optim
