#pragma once
// What the GUI training tests share: a small synthetic project that trains in a fraction of a
// second, and a wait for the end of a run that keeps the event loop turning.
#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>

#include <string>

#include "io/project.h"

namespace nw::gui::testing {

inline constexpr int kRunTimeoutMs = 60000;

// Linear 32 -> ReLU -> Linear 4 on 4 Gaussian blobs in 8 dimensions; `train_count` sets the
// length of the run (about 10k batches per second here).
inline io::Project blobs_project(int train_count, int epochs = 3) {
  const std::string text = R"({
    "netwright": 1, "name": "blobs",
    "graph": {
      "nodes": [
        {"id": "input", "type": "Input", "params": {"shape": [8]}},
        {"id": "fc1", "type": "Linear", "params": {"out_features": 32}},
        {"id": "relu", "type": "ReLU"},
        {"id": "fc2", "type": "Linear", "params": {"out_features": 4}}
      ],
      "edges": [["input", "fc1"], ["fc1", "relu"], ["relu", "fc2"]]
    },
    "data": {
      "train": {"source": "synthetic", "kind": "blobs", "shape": [8], "classes": 4, "count": )" +
                           std::to_string(train_count) + R"(, "seed": 1},
      "test": {"source": "synthetic", "kind": "blobs", "shape": [8], "classes": 4, "count": 400, "seed": 1},
      "validation_fraction": 0.1
    },
    "training": {
      "loss": {"type": "CrossEntropyLoss"}, "optimizer": {"type": "Adam", "lr": 0.01},
      "batch_size": 32, "epochs": )" +
                           std::to_string(epochs) +
                           R"(, "seed": 0, "shuffle": true, "device": "cpu"
    }
  })";
  return io::parse_project(text, QDir::tempPath().toStdString());
}

// Waits until `finished` has seen `count` signals, or kRunTimeoutMs.
inline bool wait_finished(QSignalSpy& finished, int count = 1) {
  QElapsedTimer t;
  t.start();
  while (finished.count() < count && t.elapsed() < kRunTimeoutMs) finished.wait(1000);
  return finished.count() >= count;
}

}  // namespace nw::gui::testing
