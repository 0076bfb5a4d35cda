#pragma once
// The values that travel between the training thread and the GUI thread: the options of a run,
// one point per batch, the controller's state and the per-sample results of an evaluation.
#include <QMetaType>
#include <QString>
#include <QVector>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "train/predictions.h"
#include "train/trainer.h"

namespace nw::gui {

// The options of a run are the core session's (train/session.h): out_dir, limit, workers, and
// resume, init or weights.
using TrainingOptions = train::SessionOptions;

// One training batch as the plots see it. `x` is the position in epochs (epoch 2, batch 50 of
// 100 is 1.5), so runs with different batch sizes line up.
struct BatchPoint {
  int64_t step = 0;  // 1-based over the whole run, resumed epochs included
  int64_t epoch = 0, batch = 0, batches = 0;
  int64_t samples_seen = 0;
  double x = 0.0;
  double loss = 0.0;
  double accuracy = 0.0;  // meaningful only when has_accuracy
  bool has_accuracy = false;
  double lr = 0.0;
  double samples_per_second = 0.0;

  static BatchPoint from(const train::BatchStats& b);
};

enum class TrainingState { Idle, Running, Paused, Stopping, Evaluating };
const char* to_string(TrainingState s);

// The per-sample results of an evaluation (core/train/predictions.h), as the views name them.
using SamplePrediction = train::SamplePrediction;
using SplitPredictions = train::SplitPredictions;

}  // namespace nw::gui

Q_DECLARE_METATYPE(nw::gui::BatchPoint)
Q_DECLARE_METATYPE(nw::gui::TrainingState)
Q_DECLARE_METATYPE(nw::train::SplitPredictions)
Q_DECLARE_METATYPE(nw::train::EpochStats)
Q_DECLARE_METATYPE(nw::train::EvalResult)
Q_DECLARE_METATYPE(nw::train::RunResult)
Q_DECLARE_METATYPE(nw::train::MessageLevel)
Q_DECLARE_METATYPE(nw::train::HealthSample)
