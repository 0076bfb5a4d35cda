#pragma once
// Per-sample predictions over one split: the core's evaluate() counts a confusion matrix, but the
// drill-down into a cell needs to know which samples went where, and how sure the network was.
#include <string>

#include "training/training_session.h"
#include "training/training_types.h"

namespace nw::gui {

// Runs the session's network in eval mode (no gradients) over `split` ("test", "validation",
// "train") and restores its mode afterwards. Classification: softmax over the (N, C) output;
// binary: sigmoid of logits (BCEWithLogitsLoss) or the output itself (BCELoss) as P(class 1).
// Regression has no classes: the result has no samples. Throws nw::Error for a missing split.
// NOTE: draws nothing from the default generator, so a run evaluated mid-way stays reproducible.
SplitPredictions predict_split(TrainingSession& session, const std::string& split);

}  // namespace nw::gui
