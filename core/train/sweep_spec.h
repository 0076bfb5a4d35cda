#pragma once
// A sweep file (JSON, docs/sweeps.md) and the plan it makes: which trials run with which
// settings, the rungs of successive halving and which trials go on at each rung. Pure functions of
// the file and the project, so the CLI, the GUI's Sweep dialog and the tests plan alike; the
// training is train/sweep_runner.h's.
//
//   {"method": "grid", "metric": "val_loss", "max_epochs": 2,
//    "parameters": {"training.optimizer.lr": {"values": [0.001, 0.01]},
//                   "graph.fc1.out_features": {"values": [128, 512]}},
//    "halving": {"min_epochs": 1, "eta": 2}}
//
//   SweepSpec spec = load_sweep("lr.sweep.json");
//   check_sweep(spec, project);                     // paths, values, epochs; fills defaults
//   for (const Trial& t : plan_trials(spec, project)) ...
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/io_error.h"
#include "io/project.h"

namespace nw::train {

// Every problem of a sweep file, each at its JSON location ("parameters.training.batch_size.
// values[1]: expected a positive integer, got 0"), as io::IoError lists them.
struct SweepError : io::IoError {
  using IoError::IoError;
};

struct SweepRange {
  double min = 0.0, max = 0.0;
  bool log = false;  // draw uniformly in log space (learning rates); needs min > 0
};

struct SweepParameter {
  std::string path;  // a setting path (train/setting_path.h): "training.optimizer.lr"
  std::vector<nlohmann::json> values;  // "values": [...]; grid takes every one, random picks one
  std::optional<SweepRange> range;     // {"min", "max", "log"}: random only
};

// Successive halving: every trial trains to the first rung (min_epochs), the best 1/eta of them
// (at least one) go on to the next rung (epochs x eta, the last rung max_epochs), the rest are
// halted.
struct Halving {
  int64_t min_epochs = 1;
  int64_t eta = 2;
};

struct SweepSpec {
  std::string file;             // where it was read from, for messages; "<sweep>" for text
  std::string name = "sweep";   // trial folders are <stamp>-<name>-t01, -t02, ...
  std::string method = "grid";  // "grid" or "random"
  int64_t trials = 0;  // random: how many (required); grid: the first N combinations (0: all)
  uint64_t seed = 0;   // random draws
  std::string metric = "val_loss";         // val_loss, val_accuracy, train_loss, train_accuracy
  std::string mode;                        // "min" or "max"; empty: max for accuracies, else min
  int64_t max_epochs = 0;                  // per trial; 0: the project's training.epochs
  int parallel = 1;                        // trials at once (train/sweep_runner.h)
  std::vector<SweepParameter> parameters;  // in the file's order
  std::optional<Halving> halving;

  bool maximize() const;  // mode, else from the metric's name
};

// Parses a sweep file's JSON text (keeping the parameters' order). Throws SweepError listing
// every problem of form and type; the project-dependent checks are check_sweep's.
SweepSpec parse_sweep(const std::string& text, const std::string& file = "<sweep>");
SweepSpec load_sweep(const std::filesystem::path& path);  // also: file missing or unreadable
nlohmann::json to_json(const SweepSpec& spec);            // what parse_sweep reads back

// Checks the sweep against the project: every path names a setting it has (with the fix when
// not), every value fits that setting, a range fits its bounds, a metric on validation data has
// validation data. Fills max_epochs from the project when 0. Throws SweepError listing every
// problem at its place in the sweep file.
void check_sweep(SweepSpec& spec, const io::Project& project);

struct Trial {
  int index = 0;                                   // 1-based
  std::map<std::string, nlohmann::json> settings;  // one value per swept path
};

// grid: every combination, the last parameter varying fastest (the first `trials` when set);
// random: `trials` draws from a generator seeded by `seed`, identical on every platform (values:
// uniform choice; range: uniform, or log-uniform, rounded for integer settings). The project
// says which settings are integers.
std::vector<Trial> plan_trials(const SweepSpec& spec, const io::Project& project);

// Epochs at the end of each rung: {max_epochs} without halving; else min_epochs, x eta, ...,
// ending at max_epochs ({1, 2, 4, 5} for min 1, eta 2, max 5).
std::vector<int64_t> rung_epochs(const SweepSpec& spec);

// A trial's figure at a rung; nullopt (or NaN) when it has none (it failed): such trials rank
// last and never go on.
struct TrialScore {
  int trial = 0;
  std::optional<double> metric;
};
struct RungChoice {
  std::vector<int> promoted;  // trial numbers that go on, best first
  std::vector<int> halted;    // the rest, best first
};
// Of the n trials at a rung keeps the best max(1, floor(n / eta)), ranked by metric (max when
// `maximize`); equal figures rank by trial number, so the choice is the same on every run; a
// trial without a figure is never kept.
RungChoice choose_promoted(const std::vector<TrialScore>& scores, int64_t eta, bool maximize);

}  // namespace nw::train
