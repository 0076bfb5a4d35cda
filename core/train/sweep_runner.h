#pragma once
// Runs a sweep (train/sweep_spec.h) as a job, for the CLI's `sweep` and the application's worker
// alike: each trial is an ordinary run in the project's runs folder, named so a sweep's trials
// sort together (<stamp>-<name>-t01, ...), with its run.json (train/run_record.h) carrying the
// swept settings and the sweep membership. With successive halving every trial trains to the
// first rung; the best go on from their last checkpoint (the trainer resumes bit-exact) to the
// next rung; the rest are marked halted. A summary, <stamp>-<name>.sweep.json, sits beside the
// trial folders.
//
//   SweepRunner runner(project, load_sweep("lr.sweep.json"), {.limit = 2000});
//   runner.callbacks().on_trial_end = [](const TrialResult& t) { ... };
//   SweepResult r = runner.run();   // r.best: the best trial's number
//
// Trials at once (parallel > 1): each trial is a child `netwright-cli train` process with
// --threads cores/parallel, because the thread count (backend/threads.h) and the default random
// generator that seeds a session's weights are process-wide, so two trainers in one process
// would change each other's threads and initial weights. One after another (parallel 1) the
// trials train in this process, on the caller's thread, at the caller's thread count.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/project.h"
#include "train/run_record.h"
#include "train/sweep_spec.h"
#include "train/trainer.h"

namespace nw::train {

struct SweepOptions {
  int64_t limit = 0;   // > 0: only the first `limit` samples of each split (quick sweeps)
  int parallel = 0;    // trials at once; 0: the sweep file's
  int threads = 0;     // per child process when parallel; 0: physical cores / parallel, >= 1
  std::string device;  // "cpu", "cuda", "auto"; empty keeps the project's
  // netwright-cli, which runs the trials when parallel > 1 (the CLI passes itself, the
  // application the one beside it). Required then.
  std::filesystem::path cli;
  std::filesystem::path runs_folder;  // empty: runs_folder(project) (train/run_index.h)
  std::string stamp;                  // empty: now, "yyyymmdd-hhmmss" in local time
};

// One trial as the sweep goes.
struct TrialResult {
  int trial = 0;    // 1-based
  std::string run;  // the run folder's name: "20261208-011500-sweep-t01"
  std::filesystem::path dir;
  std::map<std::string, nlohmann::json> settings;  // the swept settings
  RecordState state = RecordState::Running;        // Running between rungs
  std::string reason;
  int64_t epochs_done = 0;
  std::vector<std::optional<double>> rung_metric;  // the sweep's metric at each rung reached
  int64_t halted_at = 0;                           // the epoch it was halted after; 0 if not
  std::optional<double> metric() const;            // at the last rung it reached
};

struct SweepCallbacks {
  // rung: 0-based; epochs: where this leg ends.
  std::function<void(const TrialResult&, int rung, int64_t epochs)> on_trial_start;
  // Parallel trials report theirs as read from each child's metrics file (a few times a second),
  // so calls for different trials interleave.
  std::function<void(const TrialResult&, const BatchStats&)> on_batch_end;
  std::function<void(const TrialResult&, const EpochStats&)> on_epoch_end;
  std::function<void(const TrialResult&)> on_trial_end;  // after each leg (each rung)
  // After each rung but the last: which trials go on and which were halted.
  std::function<void(int rung, int64_t epochs, const RungChoice&)> on_rung_end;
  std::function<void(MessageLevel, const std::string&)> on_message;
};

struct SweepResult {
  std::string name;  // "<stamp>-<name>": the trials' prefix and the summary's stem
  std::string metric;
  bool maximize = false;
  std::vector<int64_t> rungs;             // epochs at each rung's end
  std::vector<TrialResult> trials;        // by trial number
  int best = 0;                           // the best trial's number; 0 when none has a figure
  bool stopped = false;                   // request_stop() ended it early
  std::filesystem::path summary;          // <runs folder>/<name>.sweep.json
  const TrialResult* best_trial() const;  // nullptr when best is 0
};
nlohmann::json to_json(const SweepResult& r);  // the summary file's content

class SweepRunner {
 public:
  // Checks the sweep against the project (check_sweep) and plans it; throws SweepError.
  SweepRunner(io::Project project, SweepSpec spec, SweepOptions options = {});
  ~SweepRunner();

  SweepCallbacks& callbacks() { return callbacks_; }
  const SweepSpec& spec() const { return spec_; }
  const std::vector<Trial>& plan() const { return plan_; }
  std::string name() const { return name_; }  // "<stamp>-<name>"

  // Runs every trial and rung. A trial's failure is recorded and the sweep goes on; throws only
  // when the runs folder cannot be written or (parallel) netwright-cli cannot be started.
  SweepResult run();
  // From any thread: the trial in progress stops at its next batch (with a checkpoint, state
  // stopped) and no further trial starts.
  void request_stop();

 private:
  struct Impl;
  // One leg of a trial: train it to `epochs` (rung `rung`, 0-based), resuming from its last
  // checkpoint after the first rung; in this process, or as child processes K at a time.
  void train_here(TrialResult& t, int rung, int64_t epochs);
  void train_apart(const std::vector<TrialResult*>& legs, int rung, int64_t epochs);
  // Reads the leg's outcome from its run.json; `fallback` is the reason when there is none.
  void finish_leg(TrialResult& t, int64_t epochs, const std::string& fallback);
  void halt(TrialResult& t, int64_t epochs, const std::string& why);
  void say(MessageLevel level, const std::string& text);

  std::unique_ptr<Impl> impl_;
  io::Project project_;
  SweepSpec spec_;
  SweepOptions options_;
  SweepCallbacks callbacks_;
  std::vector<Trial> plan_;
  std::string name_;
};

}  // namespace nw::train
