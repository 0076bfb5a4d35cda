#pragma once
// One run of the open project as the Runs dock shows it: what the core's run index and run record
// say about a run folder (train/run_index.h, train/run_record.h), read once when the list is
// refreshed, so sorting and drawing never touch the disk.
#include <QDateTime>
#include <QString>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nw::train {
struct RunInfo;
}

namespace nw::gui {

struct RunRow {
  QString name;  // the run folder's name, also the run's name in the plots
  QString dir;
  QString state;             // "finished", "halted after epoch 1", "stopped", "failed", ...
  QString reason;            // why it stopped or was halted (the state's tooltip)
  bool halted = false;       // stopped by a sweep's successive halving
  bool ended_early = false;  // halted, stopped or failed: faded in the parallel coordinates
  QDateTime started;
  int64_t epochs = 0;
  // What the run's record says it was trained with, by setting path ("training.optimizer.lr").
  std::map<std::string, nlohmann::json> settings;
  std::optional<double> val_loss, val_accuracy;  // at the last epoch
  std::optional<double> best;  // the best epoch's figure of `best_metric` (the run's monitor)
  QString best_metric;         // "val_loss"
  int64_t best_epoch = 0;
  QString sweep;  // the sweep the run belongs to; empty for a run of its own
};

// The rows of `runs` (newest first, as list_runs gives them). Problems reading one run go to
// `problems` ("20261208-001500: ..."), and the run is still listed with what could be read.
std::vector<RunRow> read_run_rows(const std::vector<train::RunInfo>& runs,
                                  std::vector<QString>* problems = nullptr);

// The setting paths whose values differ between `rows` (a run without the setting counts as a
// value of its own), in a stable order: training settings first, then layer parameters.
std::vector<std::string> varying_settings(const std::vector<RunRow>& rows);

// The column title of a setting path: its last part ("lr"), or more of it when two paths of
// `all` share the last part ("fc1.out_features").
QString setting_title(const std::string& path, const std::vector<std::string>& all);

// Settings that span decades (learning rates, weight decay) read best on a log axis: true when
// every value is positive and the largest is at least 20 times the smallest.
bool spans_decades(const std::vector<RunRow>& rows, const std::string& path);

}  // namespace nw::gui
