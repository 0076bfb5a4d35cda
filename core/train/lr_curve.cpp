#include "train/lr_curve.h"

#include <algorithm>
#include <cmath>

namespace nw::train {

double LossSmoother::add(double loss) {
  average_ = beta_ * average_ + (1.0 - beta_) * loss;
  weight_ *= beta_;
  return average_ / (1.0 - weight_);
}

std::vector<double> smooth_losses(const std::vector<double>& losses, double beta) {
  LossSmoother smoother(beta);
  std::vector<double> out;
  out.reserve(losses.size());
  for (double l : losses) out.push_back(smoother.add(l));
  return out;
}

LrSuggestions suggest_lr(const std::vector<LrPoint>& points, int64_t skip_start) {
  LrSuggestions s;
  const size_t n = points.size();
  const size_t skip = static_cast<size_t>(std::max<int64_t>(skip_start, 0));
  if (n < skip + 3) return s;

  size_t m = skip;
  for (size_t i = skip; i < n; ++i)
    if (points[i].smoothed < points[m].smoothed) m = i;
  s.minimum = m;
  s.minimum_tenth_lr = points[m].lr / 10.0;

  // Central differences against log(lr), as numpy.gradient; the end points have no neighbour on
  // one side and are left out.
  std::optional<double> best;
  for (size_t i = std::max<size_t>(skip, 1); i <= m && i + 1 < n; ++i) {
    const double dx = std::log(points[i + 1].lr) - std::log(points[i - 1].lr);
    if (!(dx > 0)) continue;
    const double slope = (points[i + 1].smoothed - points[i - 1].smoothed) / dx;
    if (slope < 0 && (!best || slope < *best)) {
      best = slope;
      s.steepest = i;
    }
  }
  if (s.steepest) s.steepest_lr = points[*s.steepest].lr;

  const double start = points[skip].smoothed;
  const bool fell = start > 0 && (start - points[m].smoothed) >= kMeaningfulDrop * start;
  if (s.steepest_lr && fell) {
    s.suggested = s.steepest_lr;
    s.rule = kSteepestRule;
  } else if (m > skip) {  // a flat curve, or no interior point to measure a slope at
    s.suggested = s.minimum_tenth_lr;
    s.rule = kMinimumRule;
  }
  return s;
}

}  // namespace nw::train
