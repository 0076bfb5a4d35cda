#pragma once
// The C++ twins of make_optim_fixtures.py's scheduler cases, and the optimizer they drive: two
// groups, one (1,) parameter each, at lrs 0.1 and 0.02 (SGD with momentum 0.9, or Adam).
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "optim/adam.h"
#include "optim/scheduler_cosine.h"
#include "optim/scheduler_decay.h"
#include "optim/scheduler_plateau.h"
#include "optim/sgd.h"
#include "tensor/creation.h"

namespace nw::test {

using namespace nw::optim;

// A scheduler of either kind behind one interface.
struct Sched {
  std::unique_ptr<LRScheduler> lr;
  std::unique_ptr<ReduceLROnPlateau> plateau;
  void step(double metric) { lr ? lr->step() : plateau->step(metric); }
  std::vector<double> last_lr() const { return lr ? lr->get_last_lr() : plateau->get_last_lr(); }
  ValueMap state_dict() const { return lr ? lr->state_dict() : plateau->state_dict(); }
  void load_state_dict(const ValueMap& s) {
    lr ? lr->load_state_dict(s) : plateau->load_state_dict(s);
  }
};
using MakeSched = std::function<Sched(Optimizer&)>;

template <typename S, typename... Args>
MakeSched lr_sched(Args... args) {
  return [=](Optimizer& o) { return Sched{std::make_unique<S>(o, args...), nullptr}; };
}

inline MakeSched plateau(ReduceLROnPlateauOptions options) {
  return [=](Optimizer& o) {
    return Sched{nullptr, std::make_unique<ReduceLROnPlateau>(o, options)};
  };
}

struct SchedCase {
  bool adam;  // else SGD with momentum 0.9
  MakeSched make;
};

inline const std::map<std::string, SchedCase>& sched_cases() {
  using V = std::vector<double>;
  static const std::map<std::string, SchedCase> table = {
      {"sched_step_lr", {false, lr_sched<StepLR>(int64_t(3), 0.5)}},
      {"sched_multistep_lr", {false, lr_sched<MultiStepLR>(std::vector<int64_t>{2, 5, 5, 8}, 0.3)}},
      {"sched_exponential_lr", {false, lr_sched<ExponentialLR>(0.9)}},
      {"sched_cosine", {false, lr_sched<CosineAnnealingLR>(int64_t(10), 0.001)}},
      {"sched_cosine_no_min", {false, lr_sched<CosineAnnealingLR>(int64_t(7))}},
      {"sched_linear_warmup", {false, lr_sched<LinearLR>(0.25, 1.0, int64_t(4))}},
      {"sched_linear_decay", {false, lr_sched<LinearLR>(1.0, 0.1, int64_t(6))}},
      {"sched_onecycle_cos",
       {false, lr_sched<OneCycleLR>(OneCycleLROptions{.max_lr = {1.0, 0.3}, .total_steps = 30})}},
      {"sched_onecycle_linear_three_phase",
       {false, lr_sched<OneCycleLR>(OneCycleLROptions{.max_lr = {0.5},
                                                      .total_steps = 30,
                                                      .pct_start = 0.25,
                                                      .anneal_strategy = "linear",
                                                      .div_factor = 10,
                                                      .final_div_factor = 100,
                                                      .three_phase = true})}},
      {"sched_onecycle_adam",
       {true, lr_sched<OneCycleLR>(OneCycleLROptions{.max_lr = {0.01},
                                                     .epochs = 4,
                                                     .steps_per_epoch = 5,
                                                     .base_momentum = {0.8},
                                                     .max_momentum = {0.9}})}},
      {"sched_onecycle_no_momentum",
       {false, lr_sched<OneCycleLR>(OneCycleLROptions{
                   .max_lr = {0.2}, .total_steps = 12, .cycle_momentum = false})}},
      {"sched_plateau_min_rel",
       {false, plateau({.factor = 0.5, .patience = 2, .cooldown = 1, .min_lr = {0.004}})}},
      {"sched_plateau_max_abs",
       {false, plateau({.mode = "max",
                        .factor = 0.2,
                        .patience = 1,
                        .threshold = 0.05,
                        .threshold_mode = "abs",
                        .min_lr = V{0.001, 0.0005}})}},
  };
  return table;
}

// make_optim_fixtures.py's sched_optimizer: one (1,) parameter per group at lrs 0.1 and 0.02.
inline std::unique_ptr<Optimizer> make_optimizer(bool adam) {
  std::vector<ParamGroup> groups;
  for (double lr : {0.1, 0.02}) groups.push_back({{zeros({1}).requires_grad_(true)}, {{"lr", lr}}});
  if (adam) return std::make_unique<Adam>(groups, AdamOptions{.lr = 0.1});
  return std::make_unique<SGD>(groups, SGDOptions{.lr = 0.1, .momentum = 0.9});
}

}  // namespace nw::test
