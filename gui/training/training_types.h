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

#include "data/dataset.h"
#include "train/trainer.h"

namespace nw::gui {

struct TrainingOptions {
  QString resume_checkpoint;  // continue this run (excludes init_checkpoint)
  QString init_checkpoint;    // transfer learning: copy matching weights before training
  // Evaluation of a saved network: load this checkpoint's weights exactly (every name and shape
  // of the project's network), without its optimizer or position.
  QString weights_checkpoint;
  QString out_dir;      // empty: the trainer writes no checkpoints of its own
  int64_t limit = 0;    // > 0: only the first `limit` samples of each split
  int num_workers = 0;  // data-loading threads
};

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

// One sample of an evaluated split: what the network predicted and how sure it was.
struct SamplePrediction {
  int64_t index = 0;  // into the split's dataset
  int64_t target = 0, predicted = 0;
  float confidence = 0.0f;  // the probability of `predicted`
};

// Every sample of a split, for the confusion-matrix drill-down and the predictions view.
struct SplitPredictions {
  std::string split;
  int64_t num_classes = 0;
  std::vector<std::string> class_names;  // "0", "1", ... when the data names none
  std::vector<SamplePrediction> samples;
  std::vector<float> probabilities;  // (samples, num_classes), row-major
  // The split's samples, for thumbnails. Dataset::get is safe to call from any thread.
  std::shared_ptr<const data::Dataset> dataset;

  // The `k` most probable classes of sample row `row`, most probable first.
  std::vector<std::pair<int64_t, float>> top_k(size_t row, int k) const;
};

}  // namespace nw::gui

Q_DECLARE_METATYPE(nw::gui::BatchPoint)
Q_DECLARE_METATYPE(nw::gui::TrainingState)
Q_DECLARE_METATYPE(nw::gui::SplitPredictions)
Q_DECLARE_METATYPE(nw::train::EpochStats)
Q_DECLARE_METATYPE(nw::train::EvalResult)
Q_DECLARE_METATYPE(nw::train::RunResult)
Q_DECLARE_METATYPE(nw::train::MessageLevel)
