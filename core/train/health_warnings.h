#pragma once
// The warning rules of layer health: which sampled statistics (train/health_sample.h) mean a
// layer is in trouble, and what to do about it. Each rule speaks at most once per run and layer;
// the trainer passes the messages to Callbacks::on_message as warnings.
//
//   HealthWarnings rules;
//   for (const std::string& w : rules.check(sample)) say(MessageLevel::Warning, w);
//
// The rules, per layer:
// - vanishing gradients: a norm below kVanishingGradient, or below kVanishingRelative times the
//   largest layer's norm in the same sample;
// - exploding gradients: a norm that is not finite, above kExplodingGradient, or kExplodingGrowth
//   times the layer's first sampled norm (and above 1);
// - dead ReLU: more than kDeadFraction of the units after the layer's ReLU are dead;
// - update ratio out of [kUpdateRatioLow, kUpdateRatioHigh] for kUpdateRatioPatience samples in
//   a row (at the default interval of 50 batches, 250 batches: long enough that a warm-up or a
//   single odd batch does not count).
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "train/health_sample.h"

namespace nw::train {

inline constexpr double kVanishingGradient = 1e-7;
inline constexpr double kVanishingRelative = 1e-5;
inline constexpr double kExplodingGradient = 1e3;
inline constexpr double kExplodingGrowth = 1e3;
inline constexpr double kDeadFraction = 0.9;
inline constexpr double kUpdateRatioLow = 1e-4;
inline constexpr double kUpdateRatioHigh = 1e-1;
inline constexpr int kUpdateRatioPatience = 5;

class HealthWarnings {
 public:
  enum class Kind { Vanishing, Exploding, Dead, UpdateSmall, UpdateLarge };
  // The messages for the rules `sample` breaks and that have not been said for that layer.
  std::vector<std::string> check(const HealthSample& sample);
  // (layer, kind) of each warning said so far, for tests and the GUI's colours.
  const std::set<std::pair<std::string, Kind>>& said() const { return said_; }

 private:
  bool once(const std::string& layer, Kind kind);  // true the first time
  std::set<std::pair<std::string, Kind>> said_;
  std::map<std::string, double> first_norm_;
  std::map<std::string, int> small_run_, large_run_;  // consecutive samples out of range
};

// "1.2e-08": the short form the warnings and the GUI use for a statistic.
std::string health_number(double v);

}  // namespace nw::train
