#pragma once
// The metrics file of a run (netwright-cli train --metrics FILE): one JSON object a line, written
// by rank 0 as the run goes: {"event": "batch", ...} after each batch, {"event": "epoch", ...}
// after each epoch, {"event": "health", ...} for each layer health sample (train/layer_health.h:
// "layers": one object per layer, a statistic absent where it was not measured and a non-finite
// one written as the string "NaN", "Infinity" or "-Infinity"), {"event": "evaluation", ...} for
// the test split at the end and
// {"event": "failed", "reason": ...} when the run fails. The CLI writes it through these
// functions, and the application follows a run started elsewhere (mpirun, srun) by reading it
// back with MetricsTail, so the two never disagree on a key.
//
//   MetricsTail tail("runs/mlp/20261207-041106/metrics.jsonl");
//   for (const MetricsEvent& e : tail.read_new().events) plot(e);  // again when the file grows
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "train/trainer.h"

namespace nw::train {

nlohmann::json batch_json(const BatchStats& b);  // {"event": "batch", "epoch": 1, ...}
nlohmann::json epoch_json(const EpochStats& e);  // {"event": "epoch", "epoch": 1, ...}
nlohmann::json failed_json(const std::string& reason);
nlohmann::json health_json(const HealthSample& h);  // {"event": "health", "step": 51, ...}

struct MetricsEvent {
  enum class Kind { Batch, Epoch, Health, Failed, Other };  // Other: evaluation, a newer event
  Kind kind = Kind::Other;
  BatchStats batch;     // Kind::Batch
  EpochStats epoch;     // Kind::Epoch
  HealthSample health;  // Kind::Health
  std::string reason;   // Kind::Failed
};

// One line of the file. Throws nw::Error naming `where` ("metrics.jsonl:12") when the line is
// not a JSON object or a batch, epoch or health line lacks a number it must have.
MetricsEvent parse_metrics_line(const std::string& line, const std::string& where);

// Reads a metrics file as it grows: each call returns the events of the lines completed since
// the last one. A last line still being written is kept back until its newline arrives; a file
// not there yet has no events; a file that shrank (a new run in its place) is read from its start.
class MetricsTail {
 public:
  explicit MetricsTail(std::filesystem::path file) : file_(std::move(file)) {}
  const std::filesystem::path& file() const { return file_; }
  struct Read {
    std::vector<MetricsEvent> events;
    std::vector<std::string> problems;  // parse_metrics_line's message for each line skipped
  };
  Read read_new();

 private:
  std::filesystem::path file_;
  std::uintmax_t offset_ = 0;  // bytes consumed, partial_ included
  std::string partial_;        // the start of a line without its newline yet
  int64_t line_ = 0;           // complete lines read, for the place in errors
};

}  // namespace nw::train
