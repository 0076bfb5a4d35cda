#pragma once
// Per-sample predictions over one split: evaluate() counts a confusion matrix, but the drill-down
// into a cell needs to know which samples went where, and how sure the network was.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "data/dataset.h"
#include "train/session.h"

namespace nw::train {

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

// Runs the session's network in eval mode (no gradients) over `split` ("test", "validation",
// "train") and restores its mode afterwards. Classification: softmax over the (N, C) output;
// binary: sigmoid of logits (BCEWithLogitsLoss) or the output itself (BCELoss) as P(class 1).
// Regression has no classes: the result has no samples. Throws nw::Error for a missing split.
// NOTE: draws nothing from the default generator, so a run evaluated mid-way stays reproducible.
SplitPredictions predict_split(Session& session, const std::string& split);

}  // namespace nw::train
