#include "training/training_types.h"

namespace nw::gui {

BatchPoint BatchPoint::from(const train::BatchStats& b) {
  BatchPoint p;
  p.step = (b.epoch - 1) * b.batches + b.batch;
  p.epoch = b.epoch;
  p.batch = b.batch;
  p.batches = b.batches;
  p.samples_seen = b.samples_seen;
  p.x = double(b.epoch - 1) + (b.batches > 0 ? double(b.batch) / double(b.batches) : 0.0);
  p.loss = b.loss;
  p.has_accuracy = b.accuracy.has_value();
  p.accuracy = b.accuracy.value_or(0.0);
  p.lr = b.lr;
  p.samples_per_second = b.samples_per_second;
  return p;
}

const char* to_string(TrainingState s) {
  switch (s) {
    case TrainingState::Idle:
      return "idle";
    case TrainingState::Running:
      return "running";
    case TrainingState::Paused:
      return "paused";
    case TrainingState::Stopping:
      return "stopping";
    case TrainingState::Evaluating:
      return "evaluating";
  }
  return "?";
}

}  // namespace nw::gui
