#pragma once
// Cosine-shaped schedules, as in PyTorch 1.13: CosineAnnealingLR (per epoch) and OneCycleLR (per
// batch, with momentum cycled the opposite way).
#include <string>
#include <vector>

#include "optim/scheduler.h"

namespace nw::optim {

// Anneals from the base lr to eta_min over T_max epochs along half a cosine, and back up over the
// next T_max (no restart). Uses PyTorch's recursive form, which follows lr changes made between
// steps: lr_t = eta_min + (lr_{t-1} - eta_min) (1 + cos(pi t / T_max)) / (1 + cos(pi (t-1) /
// T_max)).
class CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min = 0,
                    int64_t last_epoch = -1);
  ValueMap state_dict() const override;

 protected:
  std::vector<double> get_lr() override;
  void load_settings(const ValueMap& state) override;

 private:
  int64_t T_max_;
  double eta_min_;
};

struct OneCycleLROptions {
  std::vector<double> max_lr;  // one for every group, or one per group
  int64_t total_steps = 0;     // or, when 0, epochs * steps_per_epoch
  int64_t epochs = 0;
  int64_t steps_per_epoch = 0;
  double pct_start = 0.3;               // share of the steps spent raising the lr
  std::string anneal_strategy = "cos";  // or "linear"
  // Cycles SGD's "momentum" (or Adam's beta1) between max_momentum and base_momentum, opposite
  // to the lr.
  bool cycle_momentum = true;
  std::vector<double> base_momentum = {0.85};
  std::vector<double> max_momentum = {0.95};
  double div_factor = 25;         // initial_lr = max_lr / div_factor
  double final_div_factor = 1e4;  // min_lr = initial_lr / final_div_factor
  bool three_phase = false;       // up, back down to initial_lr, then down to min_lr
  int64_t last_epoch = -1;
};

// The 1cycle policy: lr from initial_lr up to max_lr, then down to min_lr, over total_steps
// calls of step() (one per batch). Each group records "initial_lr", "max_lr", "min_lr" (and
// "max_momentum", "base_momentum") in its options, as PyTorch does. Stepping past total_steps is
// an error.
class OneCycleLR : public LRScheduler {
 public:
  OneCycleLR(Optimizer& optimizer, const OneCycleLROptions& options);
  int64_t total_steps() const { return total_steps_; }
  // Also "total_steps", "pct_start", "anneal_strategy", "three_phase", "cycle_momentum" and
  // "use_beta1" (PyTorch saves the phase table and the anneal function instead).
  ValueMap state_dict() const override;

 protected:
  std::vector<double> get_lr() override;
  void load_settings(const ValueMap& state) override;

 private:
  struct Phase {
    double end_step;
    const char *start_lr, *end_lr, *start_momentum, *end_momentum;  // group option names
  };
  void make_phases();
  double anneal(double start, double end, double pct) const;

  int64_t total_steps_;
  double pct_start_;
  bool linear_;
  bool three_phase_;
  bool cycle_momentum_;
  bool use_beta1_ = false;
  std::vector<Phase> phases_;
};

}  // namespace nw::optim
