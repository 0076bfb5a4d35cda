#include "training/epoch_rate.h"

namespace nw::gui {

double EpochRate::on_batch(double now, int64_t epoch, int64_t samples_seen, double trainer_rate) {
  if (epoch != epoch_) {
    epoch_ = epoch;
    start_ = now;
    start_samples_ = samples_seen;
    held_ = 0.0;
    last_ = trainer_rate;
    return last_;
  }
  const double active = now - start_ - held_;
  // A clock too coarse to see the batches apart keeps the previous figure.
  if (active > 0.0) last_ = double(samples_seen - start_samples_) / active;
  return last_;
}

void EpochRate::held(double seconds) {
  if (seconds > 0.0) held_ += seconds;
}

}  // namespace nw::gui
