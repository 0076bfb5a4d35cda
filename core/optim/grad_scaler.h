#pragma once
// Dynamic loss scaling for float16 training, as torch.amp.GradScaler: the loss is multiplied by a
// large scale before backward so that small float16 gradients do not flush to zero; the gradients
// are divided by it again before the optimizer (and before any gradient clipping) sees them. A
// step whose gradients hold an inf or NaN is skipped and the scale backs off; after
// growth_interval clean steps in a row the scale grows.
//
//   GradScaler scaler;
//   opt.zero_grad();
//   scaler.scale(loss).backward();
//   scaler.unscale_(opt);          // optional: only when clipping the true gradients
//   scaler.step(opt);              // skipped when a gradient is not finite
//   scaler.update();
#include <cstdint>

#include "optim/optimizer.h"
#include "optim/value.h"
#include "tensor/tensor.h"

namespace nw::optim {

// PyTorch's defaults.
struct GradScalerOptions {
  double init_scale = 65536.0;  // 2^16
  double growth_factor = 2.0;   // > 1
  double backoff_factor = 0.5;  // in (0, 1)
  int64_t growth_interval = 2000;
};

class GradScaler {
 public:
  // Throws nw::Error naming the bad option and its range.
  explicit GradScaler(GradScalerOptions options = {});

  // loss x scale, on the loss's device; no host synchronisation.
  Tensor scale(const Tensor& loss) const;
  // Divides every gradient of `opt`'s parameters by the scale in place and notes whether any
  // element is inf or NaN. At most once per step (between update() calls); a second call throws,
  // as PyTorch's does, because it would divide twice.
  void unscale_(Optimizer& opt);
  // Unscales first if unscale_ was not called, then steps `opt` unless a gradient was not finite.
  // Returns whether it stepped. The one host read of the step is here: whether to skip.
  bool step(Optimizer& opt);
  // Ends the step: after a skipped step the scale is multiplied by backoff_factor and the run of
  // clean steps restarts; after growth_interval clean steps in a row it is multiplied by
  // growth_factor. Throws when step() was not called since the last update().
  void update();

  double get_scale() const { return scale_; }
  int64_t growth_tracker() const { return growth_tracker_; }
  const GradScalerOptions& options() const { return options_; }
  // Whether the last step() was skipped.
  bool last_step_skipped() const { return skipped_; }

  // PyTorch's GradScaler.state_dict() keys: "scale", "growth_factor", "backoff_factor",
  // "growth_interval", "_growth_tracker".
  ValueMap state_dict() const;
  // Checks every key before changing anything; throws nw::Error naming the missing or bad key.
  void load_state_dict(const ValueMap& state);

 private:
  GradScalerOptions options_;
  double scale_;
  int64_t growth_tracker_ = 0;
  enum class Stage { Ready, Unscaled, Stepped } stage_ = Stage::Ready;
  bool found_inf_ = false;
  bool skipped_ = false;
};

}  // namespace nw::optim
