#pragma once
// One metric over a run, e.g. the loss of every batch. Storage keeps every point; what is drawn
// is a view of the visible x range with about one bucket per pixel (min/max band plus mean), so
// a million batches draw as fast as a thousand.
//
// The smoothed line is an exponential moving average over sample indices, debiased as
// TensorBoard's: s_i = e_i / (1 - w^(i+1)), e_i = w e_(i-1) + (1 - w) y_i. It is computed once
// per appended point and stored, so its value at index i never depends on the view, the zoom or
// how many points are drawn. Non-finite values are skipped (the average carries on).
#include <QVector>

#include <cstddef>
#include <vector>

namespace nw::gui {

class MetricSeries {
 public:
  // `weight` in [0, 1): 0 is no smoothing; 0.6 is TensorBoard's default.
  explicit MetricSeries(double weight = 0.6);

  // x must not decrease (it is the position in epochs).
  void append(double x, double y);
  void clear();
  // Recomputes the whole smoothed line (O(n)).
  void set_smoothing(double weight);
  double smoothing() const { return weight_; }
  // The weight whose average forgets by 1/e over `samples` samples: w = exp(-1 / samples).
  static double weight_for_time_constant(double samples);

  size_t size() const { return y_.size(); }
  bool empty() const { return y_.empty(); }
  double x(size_t i) const { return x_[i]; }
  double y(size_t i) const { return y_[i]; }
  double smoothed(size_t i) const { return smoothed_[i]; }
  double last_x() const { return x_.empty() ? 0.0 : x_.back(); }

  struct View {
    bool bucketed = false;  // false: raw points (low == high == mean)
    QVector<double> x;      // per bucket: the mean x of its points
    QVector<double> low, high, mean;
    // The smoothed line at the last sample of each bucket, with that sample's index.
    QVector<double> smooth_x, smooth_y;
    std::vector<size_t> smooth_index;
  };
  // The points with x in [x_from, x_to], plus one on each side so lines reach the edges, in
  // about `pixels` buckets (raw points when there are at most 2 per pixel). Asked again for the
  // same range and pixels after points were appended, it folds in only the new points: a live
  // plot costs O(new points + pixels) per frame, not O(all points).
  View view(double x_from, double x_to, int pixels) const;

  // Smallest and largest finite y over the whole series (false when there is none).
  bool y_bounds(double& low, double& high) const;

 private:
  // Where the last bucketed view stopped: its closed buckets and the sums of the open one.
  struct Cursor {
    bool valid = false;
    double x_from = 0, x_to = 0;
    int pixels = 0;
    size_t lo = 0, next = 0;  // the view's first point; the first point not folded in yet
    long bucket = 0;
    double sx = 0, sy = 0, low = 0, high = 0;
    size_t n = 0, finite = 0, last = 0;
    View closed;
  };
  void smooth_next(double y);
  void fold(size_t hi) const;  // the points up to `hi` into cursor_
  void close_bucket(View& v) const;

  double weight_;
  std::vector<double> x_, y_, smoothed_;
  double ema_ = 0.0;    // the biased average
  double decay_ = 1.0;  // w^(finite samples so far)
  double y_min_ = 0.0, y_max_ = 0.0;
  bool has_finite_ = false;
  mutable Cursor cursor_;
};

}  // namespace nw::gui
