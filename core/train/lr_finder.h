#pragma once
// The learning-rate finder (Smith's range test, as fastai's lr_find): trains a copy of the network
// for a few hundred batches while the learning rate rises exponentially from start_lr to end_lr,
// one rate per batch, and records the loss at each. The loss falls while the rate is useful and
// shoots up once it is too high; train/lr_curve.h reads the suggestion off the smoothed curve.
//
//   LrFindOptions o;                 // 1e-7 .. 10 over 200 batches
//   o.weights = &state;              // copied in; null: fresh weights from the project's seed
//   o.on_step = [](const LrPoint& p, int64_t step) { plot(p); };
//   LrFindResult r = find_lr(project, o, say);
//   if (r.suggestions.suggested) set_lr(*r.suggestions.suggested);
//
// The sweep runs through the project's own training session (train/session.h), so the loss, the
// optimizer with its other settings, the device and the data are those a real run gets; its
// scheduler and early stopping are off, it writes no files, and the metrics come back after every
// batch on every device, so each batch gets its own rate. The caller's network and `weights` are
// only read.
//
// The primary suggestion is steepest descent's. On the bundled MLP (Adam, batch 64) the best rate
// of a one-epoch grid of decades is 1e-3; steepest descent measured 5e-4 and 9.5e-4 there (on the
// first 12800 and 6400 samples), minimum/10 2.0e-3 and 2.7e-3: the smoothed minimum is the more
// stable feature, but a tenth of it lies 2-2.7 times above the best rate, close to check 1's
// factor of 3, while steepest descent stays within a factor of 2 of it
// (tests/core/train/tst_lr_finder.cpp). Minimum/10 is the fallback and is always reported.
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/project.h"
#include "nn/module.h"
#include "train/lr_curve.h"
#include "train/session.h"

namespace nw::train {

// Options that cannot make a sweep ("lr-find: end_lr (1e-05) must be larger than start_lr
// (0.001)"), weights that do not fit the network, or a sweep that failed before its first batch.
struct LrFindError : Error {
  using Error::Error;
};

struct LrFindOptions {
  double start_lr = 1e-7;
  double end_lr = 10.0;
  int64_t steps = 200;          // batches, one rate each; at least 10
  double beta = 0.98;           // the smoothing's (LossSmoother)
  double diverge_factor = 4.0;  // stop once the smoothed loss exceeds this times its minimum
  int64_t skip_start = 10;      // points the rules ignore at the start
  // The session's (SessionOptions): samples per split, loader threads, seed and device overrides.
  int64_t limit = 0;
  int num_workers = 0;
  std::optional<uint64_t> seed;
  std::string device;
  // The weights to start from, copied into the sweep's own network; names and shapes must match
  // the project's network exactly. Null: fresh weights from the project's (or `seed`'s) seed.
  const nn::StateDict* weights = nullptr;
  // After each batch, on the thread that called find_lr; step is 1-based, of `steps`.
  std::function<void(const LrPoint&, int64_t step)> on_step;
  const std::atomic<bool>* stop = nullptr;  // set from any thread: ends after the current batch
};

// Throws LrFindError naming the first bad option and the fix.
void check_options(const LrFindOptions& options);
// The rate of batch `step` (0-based): start_lr * (end_lr / start_lr)^(step / (steps - 1)).
double lr_at(const LrFindOptions& options, int64_t step);

enum class LrFindEnd { Completed, Diverged, Stopped };
const char* to_string(LrFindEnd end);

struct LrFindResult {
  std::vector<LrPoint> points;
  LrSuggestions suggestions;
  LrFindEnd end = LrFindEnd::Completed;
  std::string reason;   // why it ended before `steps` batches; empty when completed
  std::string weights;  // where the weights came from: "the given weights", "fresh (seed 0)"
};

// Throws LrFindError, SessionError, io::ProjectError or DeviceError when the sweep cannot start.
// A loss that becomes NaN or infinite ends the sweep as Diverged, with the points before it.
LrFindResult find_lr(io::Project project, const LrFindOptions& options, const SessionMessage& say);

// {"start_lr", "end_lr", "steps", "end", "reason", "weights", "points": [{"lr", "loss",
// "smoothed"}], "steepest": lr|null, "minimum": lr|null, "minimum_tenth": lr|null,
// "suggested": lr|null, "rule": name|null}: what `netwright-cli lr-find --json` prints.
nlohmann::json to_json(const LrFindResult& result, const LrFindOptions& options);

}  // namespace nw::train
