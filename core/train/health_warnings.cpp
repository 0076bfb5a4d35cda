#include "train/health_warnings.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace nw::train {

std::string health_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "infinity" : "-infinity";
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", v);
  return text;
}

namespace {

std::string where(const LayerHealthStats& l, const HealthSample& s) {
  return "layer '" + l.layer + "' (" + l.type + ") at epoch " + std::to_string(s.epoch) +
         ", batch " + std::to_string(s.batch);
}

}  // namespace

bool HealthWarnings::once(const std::string& layer, Kind kind) {
  return said_.insert({layer, kind}).second;
}

std::vector<std::string> HealthWarnings::check(const HealthSample& sample) {
  std::vector<std::string> out;
  double largest = 0.0;
  for (const LayerHealthStats& l : sample.layers)
    if (l.grad_norm && std::isfinite(*l.grad_norm)) largest = std::max(largest, *l.grad_norm);

  for (const LayerHealthStats& l : sample.layers) {
    if (l.dead_fraction && *l.dead_fraction > kDeadFraction && once(l.layer, Kind::Dead))
      out.push_back(where(l, sample) + ": " + health_number(*l.dead_fraction * 100) +
                    "% of the units after its ReLU '" + l.activation +
                    "' are dead (zero for every sample of the batch); lower the learning rate, "
                    "check the layer's bias and initialization, or use LeakyReLU");
    if (l.grad_norm) {
      const double g = *l.grad_norm;
      const auto first = first_norm_.emplace(l.layer, g).first->second;
      const bool explodes = !std::isfinite(g) || g > kExplodingGradient ||
                            (g > 1.0 && first > 0 && g > kExplodingGrowth * first);
      const bool vanishes = std::isfinite(g) && (g < kVanishingGradient ||
                                                 (largest > 0 && g < kVanishingRelative * largest));
      if (explodes && once(l.layer, Kind::Exploding))
        out.push_back(where(l, sample) + ": gradients explode (norm " + health_number(g) +
                      "); lower the learning rate, normalize the inputs, or add BatchNorm "
                      "before the activation");
      if (vanishes && once(l.layer, Kind::Vanishing))
        out.push_back(where(l, sample) + ": gradients vanish (norm " + health_number(g) +
                      (largest > 0 ? ", largest layer's " + health_number(largest) : "") +
                      "); look for dead ReLUs or saturated activations after it, add BatchNorm "
                      "or residual connections, or use a He (Kaiming) initialization");
    }
    if (l.update_ratio) {
      const double r = *l.update_ratio;
      small_run_[l.layer] = r < kUpdateRatioLow ? small_run_[l.layer] + 1 : 0;
      large_run_[l.layer] = r > kUpdateRatioHigh || !std::isfinite(r) ? large_run_[l.layer] + 1 : 0;
      const std::string run = " for " + std::to_string(kUpdateRatioPatience) + " samples in a row";
      if (small_run_[l.layer] >= kUpdateRatioPatience && once(l.layer, Kind::UpdateSmall))
        out.push_back(where(l, sample) + ": the optimizer's steps barely move the weights " +
                      "(update/weight ratio " + health_number(r) + ", below " +
                      health_number(kUpdateRatioLow) + run +
                      "); raise the learning rate, or check that the layer gets gradients");
      if (large_run_[l.layer] >= kUpdateRatioPatience && once(l.layer, Kind::UpdateLarge))
        out.push_back(where(l, sample) + ": the optimizer's steps are large next to the weights " +
                      "(update/weight ratio " + health_number(r) + ", above " +
                      health_number(kUpdateRatioHigh) + run + "); lower the learning rate");
    }
  }
  return out;
}

}  // namespace nw::train
