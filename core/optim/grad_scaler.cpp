#include "optim/grad_scaler.h"

#include <cmath>
#include <string>

#include "autograd/grad_mode.h"
#include "tensor/errors.h"
#include "tensor/ops.h"

namespace nw::optim {

namespace {

void check_options(const GradScalerOptions& o, const std::string& where) {
  if (!(o.init_scale > 0) || !std::isfinite(o.init_scale))
    throw Error(where + ": scale must be a positive finite number, got " +
                std::to_string(o.init_scale));
  if (!(o.growth_factor > 1) || !std::isfinite(o.growth_factor))
    throw Error(where + ": growth_factor must be above 1, got " + std::to_string(o.growth_factor));
  if (!(o.backoff_factor > 0 && o.backoff_factor < 1))
    throw Error(where + ": backoff_factor must lie in (0, 1), got " +
                std::to_string(o.backoff_factor));
  if (o.growth_interval < 1)
    throw Error(where + ": growth_interval must be at least 1, got " +
                std::to_string(o.growth_interval));
}

double number(const ValueMap& m, const std::string& key) {
  const auto it = m.find(key);
  if (it == m.end() || !std::holds_alternative<double>(it->second))
    throw Error("GradScaler state: '" + key +
                "' is missing or not a number; the checkpoint was not written by an fp16 run");
  return std::get<double>(it->second);
}

}  // namespace

GradScaler::GradScaler(GradScalerOptions options) : options_(options), scale_(options.init_scale) {
  check_options(options_, "GradScaler");
}

Tensor GradScaler::scale(const Tensor& loss) const {
  return loss * scale_;
}

void GradScaler::unscale_(Optimizer& opt) {
  if (stage_ == Stage::Unscaled)
    throw Error(
        "GradScaler::unscale_: already called since the last update(); call it once per "
        "step");
  if (stage_ == Stage::Stepped)
    throw Error("GradScaler::unscale_: step() was already called; call update() first");
  NoGradGuard no_grad;
  // As PyTorch: the reciprocal in double, rounded once to float, then one multiply per element
  // (exact for the power-of-two scales the defaults produce).
  const double inv = static_cast<double>(static_cast<float>(1.0 / scale_));
  // An inf or NaN anywhere makes its x 0 NaN, so one sum per gradient tells, without the
  // overflow a plain sum of large finite gradients could cause. Summed on the device; one read.
  std::vector<Tensor> checks;
  for (ParamGroup& group : opt.param_groups())
    for (Tensor& p : group.params) {
      Tensor g = p.grad();
      if (!g.defined()) continue;
      g.mul_(inv);
      checks.push_back((g * 0.0).sum().to(DType::Float32).reshape({1}));
    }
  found_inf_ = !checks.empty() && !std::isfinite(cat(checks).sum().item());
  stage_ = Stage::Unscaled;
}

bool GradScaler::step(Optimizer& opt) {
  if (stage_ == Stage::Stepped)
    throw Error("GradScaler::step: already called since the last update(); call update() first");
  if (stage_ == Stage::Ready) unscale_(opt);
  skipped_ = found_inf_;
  if (!skipped_) opt.step();
  stage_ = Stage::Stepped;
  return !skipped_;
}

void GradScaler::update() {
  if (stage_ != Stage::Stepped)
    throw Error(
        "GradScaler::update: no step() since the last update(); call step(optimizer) first");
  if (skipped_) {
    scale_ *= options_.backoff_factor;
    growth_tracker_ = 0;
  } else if (++growth_tracker_ == options_.growth_interval) {
    scale_ *= options_.growth_factor;
    growth_tracker_ = 0;
  }
  stage_ = Stage::Ready;
  found_inf_ = false;
}

ValueMap GradScaler::state_dict() const {
  return {{"scale", scale_},
          {"growth_factor", options_.growth_factor},
          {"backoff_factor", options_.backoff_factor},
          {"growth_interval", static_cast<double>(options_.growth_interval)},
          {"_growth_tracker", static_cast<double>(growth_tracker_)}};
}

void GradScaler::load_state_dict(const ValueMap& state) {
  GradScalerOptions o;
  o.init_scale = number(state, "scale");
  o.growth_factor = number(state, "growth_factor");
  o.backoff_factor = number(state, "backoff_factor");
  o.growth_interval = static_cast<int64_t>(number(state, "growth_interval"));
  const double tracker = number(state, "_growth_tracker");
  check_options(o, "GradScaler state");
  if (tracker < 0 || tracker >= static_cast<double>(o.growth_interval))
    throw Error("GradScaler state: '_growth_tracker' is " + std::to_string(tracker) +
                ", outside [0, growth_interval)");
  options_ = o;
  scale_ = o.init_scale;
  growth_tracker_ = static_cast<int64_t>(tracker);
  stage_ = Stage::Ready;
  found_inf_ = skipped_ = false;
}

}  // namespace nw::optim
