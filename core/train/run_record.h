#pragma once
// run.json, the record of one run folder: what was run (the project as run and its settings as a
// flat map), how it went (state, reason, epochs) and where it got (the last epoch's metrics and
// the best epoch's). The trainer's rank 0 writes it atomically at the start, after each epoch and
// at the end, so a run killed at any moment leaves the record of its last epoch; a sweep
// (train/sweep_runner.h) adds its membership and marks the trials it halts. The Runs dock and
// `netwright-cli runs` read it through list_runs (train/run_index.h). Format: docs/sweeps.md.
//
//   RunRecord r = read_run_record(dir).value();   // nullopt: no run.json (an older run)
//   r.settings["training.optimizer.lr"]           // 0.001
//   r.last.val_loss                               // std::optional<double>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/config.h"

namespace nw::train {

inline constexpr int kRunRecordFormat = 1;
inline constexpr const char* kRunRecordFile = "run.json";

// Halted: stopped by a sweep's successive halving after a rung, its checkpoints kept.
// Unknown: an older run without run.json, rebuilt from its checkpoint (list_runs).
enum class RecordState { Running, Finished, Stopped, EarlyStopped, Failed, Halted, Unknown };
const char* to_string(RecordState s);  // "running", "early_stopped", "halted", ...
std::optional<RecordState> record_state(const std::string& word);

// The figures of one epoch; `epoch` 0 (and no values) before the first epoch ends.
struct EpochMetrics {
  int64_t epoch = 0;  // 1-based
  std::optional<double> train_loss, train_accuracy, val_loss, val_accuracy;
  // "val_loss", "val_accuracy", "train_loss", "train_accuracy"; nullopt for another name or a
  // figure not measured.
  std::optional<double> get(const std::string& metric) const;
};

// A run that is a sweep's trial.
struct SweepMembership {
  std::string sweep;      // the sweep's name: "20261208-011500-sweep", also its summary's stem
  int trial = 0;          // 1-based, as in the folder name "...-t03"
  int64_t halted_at = 0;  // the epoch after which halving stopped it; 0 when not halted
  std::string why;        // why it was halted: "val_loss 0.612 at epoch 1, rank 3 of 4; ..."
};

// What the trainer's caller adds to the record: the settings a sweep varied (or `--set`), and the
// sweep membership.
struct RunTags {
  std::map<std::string, nlohmann::json> settings;  // "training.optimizer.lr" -> 0.01
  std::optional<SweepMembership> sweep;
};

struct RunRecord {
  int format = kRunRecordFormat;
  std::string name;                                   // the run folder's name
  nlohmann::json project = nlohmann::json::object();  // the project as run (null when unknown)
  // Setting path -> value, for the columns of a runs table: the common ones
  // (common_settings()) and any a sweep varied.
  std::map<std::string, nlohmann::json> settings;
  RecordState state = RecordState::Running;
  std::string reason;            // Failed, Stopped, EarlyStopped, Halted: what happened
  int64_t epochs_done = 0;       // epochs completed
  int64_t epochs = 0;            // epochs this run was asked for (the current rung's, in a sweep)
  std::string started, updated;  // ISO 8601 UTC; `updated` at each write
  std::string monitor;           // the metric that picks `best` (the trainer's best.h5 monitor)
  EpochMetrics last, best;
  std::optional<SweepMembership> sweep;
};

// Throws io::IoError naming `file` and the key ("run.json: state: expected one of running, ...")
// when `j` is not a record; unknown keys are ignored, a newer format is refused.
RunRecord run_record_from_json(const nlohmann::json& j, const std::string& file = "run.json");
nlohmann::json to_json(const RunRecord& r);
nlohmann::json to_json(const EpochMetrics& m);  // {"epoch": 3, "val_loss": 0.41, ...}

std::filesystem::path run_record_path(const std::filesystem::path& run_dir);  // <dir>/run.json
// Atomic (io/atomic_file.h). Throws nw::Error naming the path and the reason.
void write_run_record(const std::filesystem::path& run_dir, const RunRecord& r);
// nullopt when the folder has no run.json; throws io::IoError when it is unreadable or malformed.
std::optional<RunRecord> read_run_record(const std::filesystem::path& run_dir);

std::string iso_utc_now();  // "2026-12-08T01:15:00Z"

// The settings every run lists: training.optimizer.type, training.optimizer.lr,
// training.optimizer.weight_decay (when set), training.batch_size, training.epochs.
std::map<std::string, nlohmann::json> common_settings(const io::TrainingConfig& config);
// A setting's value for a table cell: 0.001, "Adam" without quotes, 512.
std::string setting_text(const nlohmann::json& value);

// The figures of epoch `epoch` (1-based) in a history ("val_loss" -> one value per epoch).
EpochMetrics epoch_metrics(const std::map<std::string, std::vector<double>>& history,
                           int64_t epoch);
// The epoch whose `monitor` figure is best (max when `maximize`); the first of equals. Epoch 0
// when the history has no such figure.
EpochMetrics best_epoch(const std::map<std::string, std::vector<double>>& history,
                        const std::string& monitor, bool maximize);

}  // namespace nw::train
