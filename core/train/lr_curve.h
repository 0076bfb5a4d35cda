#pragma once
// The learning-rate finder's reading of its curve (train/lr_finder.h): the smoothed loss and the
// two rules that turn a loss-against-learning-rate curve into a suggested rate. Pure arithmetic
// on the recorded points, so the rules are tested on synthetic curves.
//
//   LossSmoother smooth(0.98);
//   for (...) points.push_back({lr, loss, smooth.add(loss)});
//   LrSuggestions s = suggest_lr(points, /*skip_start=*/10);
//   if (s.suggested) use(*s.suggested);  // s.rule says which rule gave it
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nw::train {

struct LrPoint {
  double lr = 0.0;
  double loss = 0.0;      // the batch's loss, before the step taken at `lr`
  double smoothed = 0.0;  // LossSmoother's value after this batch
};

// Exponential moving average with bias correction, as Adam's moments: the first values are not
// pulled towards 0 by the average's zero start. beta in [0, 1); 0 returns the raw losses.
class LossSmoother {
 public:
  explicit LossSmoother(double beta) : beta_(beta) {}
  double add(double loss);

 private:
  double beta_;
  double average_ = 0.0;
  double weight_ = 1.0;  // beta^n
};

std::vector<double> smooth_losses(const std::vector<double>& losses, double beta);

// The rules' names, as the JSON output and the front ends print them.
inline constexpr const char* kSteepestRule = "steepest";
inline constexpr const char* kMinimumRule = "minimum/10";

struct LrSuggestions {
  // Steepest descent: the point where the smoothed loss falls fastest against log(lr), looked for
  // from `skip_start` (the first points are noise around the starting loss) up to the smoothed
  // minimum (the tail beyond it diverges).
  std::optional<size_t> steepest;
  // The smoothed loss's minimum; its rule suggests a tenth of that rate, where the loss still
  // falls steadily rather than at the edge of divergence.
  std::optional<size_t> minimum;
  std::optional<double> steepest_lr, minimum_tenth_lr;
  // The primary suggestion: steepest descent when the smoothed loss fell by at least
  // kMeaningfulDrop of its starting value before its minimum, else minimum/10. On a flat curve
  // (weights already trained) the steepest slope is noise: a copy of a briefly trained MLP's
  // weights got 4.8e-7 from it.
  std::optional<double> suggested;
  std::string rule;  // kSteepestRule or kMinimumRule; empty without a suggestion
};

inline constexpr double kMeaningfulDrop = 0.05;

// Needs points in rising lr order. Fewer than 3 points past skip_start give no suggestion.
LrSuggestions suggest_lr(const std::vector<LrPoint>& points, int64_t skip_start);

}  // namespace nw::train
