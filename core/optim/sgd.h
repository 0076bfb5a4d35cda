#pragma once
// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay,
// as torch.optim.SGD (1.13):
//   d = grad (+ weight_decay * p);  buf = d on the first step, else momentum * buf +
//   (1 - dampening) * d;  d = nesterov ? d + momentum * buf : buf;  p -= lr * d
#include <limits>

#include "optim/optimizer.h"

namespace nw::optim {

struct SGDOptions {
  // Required, as in PyTorch (which has no default learning rate): NaN means "not given".
  double lr = std::numeric_limits<double>::quiet_NaN();
  double momentum = 0;
  double dampening = 0;
  double weight_decay = 0;
  bool nesterov = false;  // needs momentum > 0 and dampening == 0
  bool maximize = false;  // ascend the objective instead
};

// State per parameter: "momentum_buffer" when momentum != 0 (PyTorch keeps None otherwise).
class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, const SGDOptions& options);
  // Each group's options override `defaults`: SGD({{head, {{"lr", 0.1}}}, {body}}, {.lr = 0.01}).
  SGD(std::vector<ParamGroup> groups, const SGDOptions& defaults);

 protected:
  void check_options(const ValueMap& options, const std::string& where) const override;
  std::vector<std::string> state_names(const ValueMap& options) const override;
  void update(ParamGroup& group, const std::string& where) override;
};

}  // namespace nw::optim
