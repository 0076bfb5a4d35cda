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
  cursor_ = Cursor();
  x_.clear();
  y_.clear();
  smoothed_.clear();
  ema_ = 0.0;
  decay_ = 1.0;
  has_finite_ = false;
}

void MetricSeries::set_smoothing(double weight) {
  weight_ = std::clamp(weight, 0.0, 0.999999);
  cursor_ = Cursor();  // its buckets hold smoothed values
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

  Cursor& c = cursor_;
  const bool same = c.valid && c.x_from == x_from && c.x_to == x_to && c.pixels == pixels &&
                    c.lo == lo && c.next <= hi;
  if (!same) {
    c = Cursor();
    c.valid = true;
    c.x_from = x_from;
    c.x_to = x_to;
    c.pixels = pixels;
    c.lo = c.next = c.last = lo;
    c.closed.bucketed = true;
  }
  fold(hi);
  v = c.closed;
  close_bucket(v);  // the open bucket, on a copy: later points may still join it
  return v;
}

void MetricSeries::fold(size_t hi) const {
  Cursor& c = cursor_;
  const double width = c.x_to > c.x_from ? (c.x_to - c.x_from) / c.pixels : 1.0;
  // Bucket -1 and `pixels` hold the points just outside the range.
  const auto bucket_of = [&](double x) {
    return std::clamp(static_cast<long>(std::floor((x - c.x_from) / width)), -1L, long(c.pixels));
  };
  if (c.next == c.lo && c.n == 0) c.bucket = bucket_of(x_[c.lo]);
  for (size_t i = c.next; i < hi; ++i) {
    const long b = bucket_of(x_[i]);
    if (b != c.bucket) {
      close_bucket(c.closed);
      c.bucket = b;
      c.sx = c.sy = 0;
      c.n = c.finite = 0;
    }
    c.sx += x_[i];
    ++c.n;
    c.last = i;
    const double y = y_[i];
    if (!std::isfinite(y)) continue;
    c.low = c.finite ? std::min(c.low, y) : y;
    c.high = c.finite ? std::max(c.high, y) : y;
    c.sy += y;
    ++c.finite;
  }
  c.next = std::max(c.next, hi);
}

void MetricSeries::close_bucket(View& v) const {
  const Cursor& c = cursor_;
  if (c.finite == 0) return;
  v.x.push_back(c.sx / double(c.n));
  v.low.push_back(c.low);
  v.high.push_back(c.high);
  v.mean.push_back(c.sy / double(c.finite));
  v.smooth_x.push_back(x_[c.last]);
  v.smooth_y.push_back(smoothed_[c.last]);
  v.smooth_index.push_back(c.last);
}

}  // namespace nw::gui
