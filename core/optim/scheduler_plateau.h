#pragma once
// ReduceLROnPlateau, as in PyTorch 1.13: multiplies every group's lr by `factor` once a watched
// metric (a validation loss, say) has stopped improving for `patience` epochs. Like PyTorch's, it
// is not an LRScheduler: its step() takes the metric.
//
//   nw::optim::ReduceLROnPlateau plateau(opt, {.factor = 0.5, .patience = 3});
//   for (epoch ...) { train(...); plateau.step(validate()); }
#include <string>
#include <vector>

#include "optim/optimizer.h"
#include "optim/value.h"

namespace nw::optim {

struct ReduceLROnPlateauOptions {
  std::string mode = "min";  // "min": lower is better (a loss); "max": higher is (an accuracy)
  double factor = 0.1;       // new lr = lr * factor; must be < 1
  int64_t patience = 10;     // epochs without improvement tolerated before reducing
  // An improvement must beat the best by this much: relative ("rel": best * (1 -+ threshold))
  // or absolute ("abs": best -+ threshold).
  double threshold = 1e-4;
  std::string threshold_mode = "rel";
  int64_t cooldown = 0;              // epochs to wait after a reduction before counting again
  std::vector<double> min_lr = {0};  // floor for every group, or one per group
  double eps = 1e-8;                 // a reduction smaller than this is skipped
};

class ReduceLROnPlateau {
 public:
  // The optimizer must outlive the scheduler.
  ReduceLROnPlateau(Optimizer& optimizer, const ReduceLROnPlateauOptions& options = {});
  ReduceLROnPlateau(const ReduceLROnPlateau&) = delete;
  ReduceLROnPlateau& operator=(const ReduceLROnPlateau&) = delete;

  // Records one epoch's metric and reduces the lrs when it has plateaued.
  void step(double metric);
  // Every group's lr after the last step (before any step: the optimizer's lrs).
  const std::vector<double>& get_last_lr() const { return last_lr_; }
  int64_t last_epoch() const { return last_epoch_; }
  double best() const { return best_; }
  int64_t num_bad_epochs() const { return num_bad_epochs_; }
  bool in_cooldown() const { return cooldown_counter_ > 0; }

  // PyTorch's names: "factor", "min_lrs", "patience", "cooldown", "cooldown_counter", "mode",
  // "threshold", "threshold_mode", "best", "num_bad_epochs", "mode_worse", "eps", "last_epoch",
  // "_last_lr".
  ValueMap state_dict() const;
  void load_state_dict(const ValueMap& state);

 private:
  bool is_better(double a, double best) const;

  Optimizer& optimizer_;
  ReduceLROnPlateauOptions o_;
  std::vector<double> min_lrs_;
  double best_;
  double mode_worse_;
  int64_t num_bad_epochs_ = 0;
  int64_t cooldown_counter_ = 0;
  int64_t last_epoch_ = 0;
  std::vector<double> last_lr_;
};

}  // namespace nw::optim
