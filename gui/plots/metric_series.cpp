#include "plots/metric_series.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nw::gui {

MetricSeries::MetricSeries(double weight) : weight_(std::clamp(weight, 0.0, 0.999999)) {}

double MetricSeries::weight_for_time_constant(double samples) {
  return samples > 0 ? std::exp(-1.0 / samples) : 0.0;
}

void MetricSeries::smooth_next(double y) {
  if (!std::isfinite(y)) {
    smoothed_.push_back(smoothed_.empty() ? std::numeric_limits<double>::quiet_NaN()
                                          : smoothed_.back());
    return;
  }
  ema_ = weight_ * ema_ + (1.0 - weight_) * y;
  decay_ *= weight_;
  smoothed_.push_back(ema_ / (1.0 - decay_));
}

void MetricSeries::append(double x, double y) {
  x_.push_back(x);
  y_.push_back(y);
  smooth_next(y);
  if (std::isfinite(y)) {
    y_min_ = has_finite_ ? std::min(y_min_, y) : y;
    y_max_ = has_finite_ ? std::max(y_max_, y) : y;
    has_finite_ = true;
  }
}

void MetricSeries::clear() {
  x_.clear();
  y_.clear();
  smoothed_.clear();
  ema_ = 0.0;
  decay_ = 1.0;
  has_finite_ = false;
}

void MetricSeries::set_smoothing(double weight) {
  weight_ = std::clamp(weight, 0.0, 0.999999);
  smoothed_.clear();
  ema_ = 0.0;
  decay_ = 1.0;
  for (double y : y_) smooth_next(y);
}

bool MetricSeries::y_bounds(double& low, double& high) const {
  low = y_min_;
  high = y_max_;
  return has_finite_;
}

MetricSeries::View MetricSeries::view(double x_from, double x_to, int pixels) const {
  View v;
  if (y_.empty() || pixels <= 0) return v;
  // The visible points, and one more on each side.
  size_t lo = static_cast<size_t>(std::lower_bound(x_.begin(), x_.end(), x_from) - x_.begin());
  size_t hi = static_cast<size_t>(std::upper_bound(x_.begin(), x_.end(), x_to) - x_.begin());
  if (lo > 0) --lo;
  if (hi < x_.size()) ++hi;
  if (hi <= lo) return v;

  if (hi - lo <= 2 * static_cast<size_t>(pixels)) {
    for (size_t i = lo; i < hi; ++i) {
      v.x.push_back(x_[i]);
      v.low.push_back(y_[i]);
      v.high.push_back(y_[i]);
      v.mean.push_back(y_[i]);
      v.smooth_x.push_back(x_[i]);
      v.smooth_y.push_back(smoothed_[i]);
      v.smooth_index.push_back(i);
    }
    return v;
  }

  v.bucketed = true;
  const double width = x_to > x_from ? (x_to - x_from) / pixels : 1.0;
  // Bucket -1 and `pixels` hold the points just outside the range.
  const auto bucket_of = [&](double x) {
    return std::clamp(static_cast<long>(std::floor((x - x_from) / width)), -1L, long(pixels));
  };
  long bucket = bucket_of(x_[lo]);
  double sx = 0, sy = 0, low = 0, high = 0;
  size_t n = 0, finite = 0, last = lo;
  const auto close_bucket = [&] {
    if (finite == 0) return;
    v.x.push_back(sx / double(n));
    v.low.push_back(low);
    v.high.push_back(high);
    v.mean.push_back(sy / double(finite));
    v.smooth_x.push_back(x_[last]);
    v.smooth_y.push_back(smoothed_[last]);
    v.smooth_index.push_back(last);
  };
  for (size_t i = lo; i < hi; ++i) {
    const long b = bucket_of(x_[i]);
    if (b != bucket) {
      close_bucket();
      bucket = b;
      sx = sy = 0;
      n = finite = 0;
    }
    sx += x_[i];
    ++n;
    last = i;
    const double y = y_[i];
    if (!std::isfinite(y)) continue;
    low = finite ? std::min(low, y) : y;
    high = finite ? std::max(high, y) : y;
    sy += y;
    ++finite;
  }
  close_bucket();
  return v;
}

}  // namespace nw::gui
