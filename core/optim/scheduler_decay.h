#pragma once
// Schedules that multiply the lr by fixed factors: StepLR, MultiStepLR, ExponentialLR, and
// LinearLR (the linear warm-up), as in PyTorch 1.13. Each is computed in PyTorch's chainable
// form (from the group's current lr), so it composes with changes made by hand or by another
// scheduler exactly as PyTorch's does.
#include <vector>

#include "optim/scheduler.h"

namespace nw::optim {

// lr = initial_lr * gamma^(epoch / step_size): multiplies by gamma every step_size epochs.
class StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, int64_t step_size, double gamma = 0.1, int64_t last_epoch = -1);
  ValueMap state_dict() const override;

 protected:
  std::vector<double> get_lr() override;
  void load_settings(const ValueMap& state) override;

 private:
  int64_t step_size_;
  double gamma_;
};

// Multiplies by gamma at each milestone epoch (a milestone listed twice multiplies twice).
class MultiStepLR : public LRScheduler {
 public:
  MultiStepLR(Optimizer& optimizer, std::vector<int64_t> milestones, double gamma = 0.1,
              int64_t last_epoch = -1);
  // "milestones" is saved as the sorted list with repeats (PyTorch saves a Counter).
  ValueMap state_dict() const override;

 protected:
  std::vector<double> get_lr() override;
  void load_settings(const ValueMap& state) override;

 private:
  std::vector<int64_t> milestones_;  // sorted
  double gamma_;
};

// Multiplies by gamma every epoch.
class ExponentialLR : public LRScheduler {
 public:
  ExponentialLR(Optimizer& optimizer, double gamma, int64_t last_epoch = -1);
  ValueMap state_dict() const override;

 protected:
  std::vector<double> get_lr() override;
  void load_settings(const ValueMap& state) override;

 private:
  double gamma_;
};

// Scales the lr by a factor going linearly from start_factor (epoch 0) to end_factor (epoch
// total_iters), then leaves it: with end_factor 1 it is a linear warm-up to the base lr.
class LinearLR : public LRScheduler {
 public:
  LinearLR(Optimizer& optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0,
           int64_t total_iters = 5, int64_t last_epoch = -1);
  ValueMap state_dict() const override;

 protected:
  std::vector<double> get_lr() override;
  void load_settings(const ValueMap& state) override;

 private:
  double start_factor_, end_factor_;
  int64_t total_iters_;
};

}  // namespace nw::optim
