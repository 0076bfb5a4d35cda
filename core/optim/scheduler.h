#pragma once
// The learning-rate scheduler base, as PyTorch 1.13's _LRScheduler: it owns no learning rates
// itself but writes each group's "lr" in the optimizer on every step(). Construction applies
// epoch 0 (so the optimizer's lr is the schedule's first value at once) and records each group's
// "initial_lr", which later schedulers and resumed runs read.
//
//   nw::optim::StepLR sched(opt, /*step_size=*/30);
//   for (epoch ...) { train(...); sched.step(); }
#include <string>
#include <vector>

#include "optim/optimizer.h"
#include "optim/value.h"

namespace nw::optim {

class LRScheduler {
 public:
  virtual ~LRScheduler() = default;
  LRScheduler(const LRScheduler&) = delete;
  LRScheduler& operator=(const LRScheduler&) = delete;

  // Advances one epoch (one batch, for OneCycleLR) and sets every group's lr.
  void step();
  // The lrs the last step() set, one per group.
  const std::vector<double>& get_last_lr() const { return last_lr_; }
  int64_t last_epoch() const { return last_epoch_; }
  const std::vector<double>& base_lrs() const { return base_lrs_; }
  const std::string& name() const { return name_; }
  Optimizer& optimizer() const { return optimizer_; }

  // PyTorch's names: "base_lrs", "last_epoch", "_step_count", "_last_lr", then each scheduler's
  // settings ("step_size", "gamma", ...). The optimizer's lrs live in its own state_dict: restore
  // both to resume.
  virtual ValueMap state_dict() const;
  // Checks everything (kinds, list lengths against the optimizer's groups) before changing any.
  virtual void load_state_dict(const ValueMap& state);

 protected:
  // The optimizer must outlive the scheduler.
  LRScheduler(std::string name, Optimizer& optimizer);
  // PyTorch's _LRScheduler.__init__ after the subclass has set itself up: records initial_lr
  // (last_epoch == -1) or requires it (resuming at last_epoch), then applies the first step.
  void init(int64_t last_epoch);
  // The lrs for last_epoch_, one per group; PyTorch's chainable get_lr(), reading group lrs.
  virtual std::vector<double> get_lr() = 0;
  // Reads the subclass's settings from a state; called after the base fields were checked.
  virtual void load_settings(const ValueMap&) {}

  std::vector<double> group_lrs() const;
  std::string where() const { return name_ + ".load_state_dict"; }

  Optimizer& optimizer_;
  std::string name_;
  std::vector<double> base_lrs_;
  int64_t last_epoch_ = -1;
  int64_t step_count_ = 0;
  std::vector<double> last_lr_;
};

// Reads an integer stored as a number in a state, refusing fractions.
int64_t get_integer(const ValueMap& m, const std::string& key, const std::string& where);

}  // namespace nw::optim
