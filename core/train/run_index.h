#pragma once
// The runs a project has on disk: the folders under runs/<project name>/ beside the project,
// where default_run_dir() puts each run, newest first, with the checkpoints the trainer wrote
// there (run_files.h: best.h5, epoch_0003.h5, epoch_0003_batch_00120.h5). Each checkpoint
// carries the run's per-epoch history so far, so the run's curves come from its newest one.
// The front ends list, export and evaluate runs through this, so none knows the file names.
//
//   for (const RunInfo& run : list_runs(project))
//     if (const RunCheckpoint* best = run.best()) evaluate(best->path);
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "io/project.h"
#include "train/run_record.h"

namespace nw::train {

struct RunCheckpoint {
  enum class Kind { Best, Epoch, MidEpoch };
  Kind kind = Kind::Epoch;
  std::filesystem::path path;
  int64_t epoch = 0;  // from the file name (1-based); 0 for best.h5, whose epoch is inside it
  int64_t batch = 0;  // MidEpoch: batches of `epoch` done when the run stopped

  std::string label() const;  // "best", "epoch 3", "epoch 3, batch 120"
  std::string tag() const;    // for file names: "best", "epoch3", "epoch3-batch120"
};

// The checkpoint a file name stands for; nothing for other files (temporary files included).
std::optional<RunCheckpoint> parse_run_checkpoint(const std::filesystem::path& file);

struct RunInfo {
  std::filesystem::path dir;
  std::string name;       // the folder's name: "20261207-041106"
  std::time_t started{};  // from the name (local time); the folder's time when not a stamp
  // best.h5 first, then the numbered checkpoints, newest first.
  std::vector<RunCheckpoint> checkpoints;

  // run.json (train/run_record.h). An older run without one gets a record rebuilt from its newest
  // checkpoint (state Unknown; settings from the project stored in it, metrics from its
  // history); none when that cannot be read either, and `record_problem` says why.
  std::optional<RunRecord> record;
  std::string record_problem;

  const RunCheckpoint* best() const;  // nullptr when the run has no best.h5
  const RunCheckpoint* last() const;  // the newest numbered checkpoint; nullptr when none
};

// runs/<project name>/ beside the project (or in the user's data folder for an installed
// project, train/run_location.h): the parent of default_run_dir().
std::filesystem::path runs_folder(const io::Project& project);

// Which folders list_runs returns: WithCheckpoints leaves out runs with no checkpoint (one that
// failed before its first epoch, or has just started), which Evaluate and Export cannot use; All
// keeps those that have a run.json, for a table of runs.
enum class RunListing { WithCheckpoints, All };

// The runs under `folder` (a project's runs_folder), newest first (a folder named
// "<yyyymmdd-hhmmss>-<anything>", such as a sweep's trial, is dated by its stamp; equal stamps by
// name). A missing folder has none.
std::vector<RunInfo> list_runs(const std::filesystem::path& folder,
                               RunListing which = RunListing::WithCheckpoints);
std::vector<RunInfo> list_runs(const io::Project& project,
                               RunListing which = RunListing::WithCheckpoints);

// What a checkpoint says about its run, read without its tensors.
struct CheckpointInfo {
  int64_t epoch = 0;  // epochs completed
  int64_t batch = 0;  // batches of the next epoch done (a mid-epoch stop)
  std::string created;
  std::map<std::string, std::vector<double>> history;  // "val_accuracy" -> one per epoch
  // The figure the dashboard headlines, at the checkpoint's epoch: "val_accuracy", else
  // "val_loss", "train_accuracy", "train_loss"; empty metric when the history has none.
  std::string metric;
  double value = 0.0;

  std::string describe() const;  // "epoch 7, val accuracy 87.85%"
};
// Throws io::CheckpointError when the file is not a readable checkpoint.
CheckpointInfo read_checkpoint_info(const std::filesystem::path& file);

// The run's per-epoch history, from whichever of its checkpoints has the most epochs (every
// checkpoint holds the history up to its own epoch). Empty when none can be read; `problem`, when
// given, gets the reason a checkpoint could not be read.
std::map<std::string, std::vector<double>> read_run_history(const RunInfo& run,
                                                            std::string* problem = nullptr);

// "<stem>-best.h5" for the latest run, "<stem>-<run>-epoch3.h5" for another.
std::string export_file_name(const std::string& project_stem, const RunInfo& run,
                             const RunCheckpoint& checkpoint, bool latest_run);
// Copies a checkpoint atomically (temporary file beside `to`, then rename): `to` is either the
// old file or the whole copy. Throws nw::Error naming both paths and the reason.
void copy_checkpoint(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace nw::train
