#pragma once
// Samples per second over the epoch so far, as the trainer counts them, less the time the GUI
// held the trainer between batches: paused, or serving an evaluation or an export. The trainer's
// own figure counts that time, so a run paused for a minute would report a fraction of its speed
// for the rest of the epoch.
//
//   EpochRate rate;
//   point.samples_per_second = rate.on_batch(now, point, point.samples_per_second);
//   ... hold the trainer ...
//   rate.held(seconds_held);
//
// Plain arithmetic on the times it is given, so a test can feed it any clock.
#include <cstdint>

namespace nw::gui {

class EpochRate {
 public:
  // A batch of `epoch` ended at `now` (seconds on a steady clock) with `samples_seen` samples in
  // the run so far. The first batch the meter sees of an epoch starts its count and returns
  // `trainer_rate` (nothing was held within the epoch yet); later ones return the samples since
  // that batch over the time since it, held time excluded.
  double on_batch(double now, int64_t epoch, int64_t samples_seen, double trainer_rate);
  // The trainer was held for `seconds` after the last batch.
  void held(double seconds);

 private:
  int64_t epoch_ = -1;
  double start_ = 0.0;
  int64_t start_samples_ = 0;
  double held_ = 0.0;
  double last_ = 0.0;
};

}  // namespace nw::gui
