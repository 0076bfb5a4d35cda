#pragma once
// Everything one training run needs, built from a project snapshot on the training thread:
// the compiled network, the opened datasets and the trainer (restored or initialized from a
// checkpoint when the options say so). Plain C++: no Qt objects, so it is easy to test alone.
#include <functional>
#include <memory>
#include <string>

#include "graph/compile.h"
#include "io/project.h"
#include "train/trainer.h"
#include "training/training_types.h"

namespace nw::gui {

struct TrainingSession {
  std::shared_ptr<graph::GraphModule> net;
  io::Datasets data;
  std::unique_ptr<train::Trainer> trainer;
  std::string loss_type;  // "CrossEntropyLoss": decides how outputs become probabilities
  int64_t epochs = 0;     // the configured total
};

using SessionMessage = std::function<void(train::MessageLevel, const std::string&)>;

// Throws (GraphError, ProjectError, CheckpointError, ...) with a message that names the problem:
// the caller turns it into a failed run. `say` reports what was loaded.
std::unique_ptr<TrainingSession> build_session(const io::Project& project,
                                               const TrainingOptions& options,
                                               const SessionMessage& say);

}  // namespace nw::gui
