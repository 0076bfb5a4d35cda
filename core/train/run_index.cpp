#include "train/run_index.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <system_error>

#include "io/atomic_file.h"
#include "io/checkpoint.h"
#include "tensor/errors.h"
#include "train/session.h"

namespace nw::train {

namespace fs = std::filesystem;

namespace {

// Digits only, all of `s`; nothing otherwise.
std::optional<int64_t> number(std::string_view s) {
  int64_t v = 0;
  if (s.empty()) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

// A "yyyymmdd-hhmmss" folder name (default_run_dir) as local time; also with a suffix after a
// '-' (a sweep's trial: "20261208-011500-sweep-t01").
std::optional<std::time_t> stamp_time(const std::string& name) {
  std::tm tm{};
  const char* end = strptime(name.c_str(), "%Y%m%d-%H%M%S", &tm);
  if (!end || (*end != '\0' && *end != '-') || end - name.c_str() != 15) return std::nullopt;
  tm.tm_isdst = -1;
  const std::time_t t = std::mktime(&tm);
  return t == std::time_t(-1) ? std::nullopt : std::optional(t);
}

std::time_t folder_time(const fs::path& dir) {
  std::error_code ec;
  const fs::file_time_type t = fs::last_write_time(dir, ec);
  if (ec) return 0;
  const auto sys = std::chrono::system_clock::now() + (t - fs::file_time_type::clock::now());
  return std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(sys));
}

// Newer numbered checkpoints sort later: a stop inside epoch 3 comes after epoch 2's end and
// before epoch 3's.
std::pair<int64_t, int64_t> order(const RunCheckpoint& c) {
  return {c.epoch, c.kind == RunCheckpoint::Kind::MidEpoch ? c.batch : INT64_MAX};
}

// The headline figure of TrainingHeader and describe(): validation accuracy first.
constexpr const char* kHeadline[] = {"val_accuracy", "val_loss", "train_accuracy", "train_loss"};

}  // namespace

std::string RunCheckpoint::label() const {
  switch (kind) {
    case Kind::Best:
      return "best";
    case Kind::Epoch:
      return "epoch " + std::to_string(epoch);
    case Kind::MidEpoch:
      break;
  }
  return "epoch " + std::to_string(epoch) + ", batch " + std::to_string(batch);
}

std::string RunCheckpoint::tag() const {
  switch (kind) {
    case Kind::Best:
      return "best";
    case Kind::Epoch:
      return "epoch" + std::to_string(epoch);
    case Kind::MidEpoch:
      break;
  }
  return "epoch" + std::to_string(epoch) + "-batch" + std::to_string(batch);
}

std::optional<RunCheckpoint> parse_run_checkpoint(const fs::path& file) {
  const std::string name = file.filename().string();
  RunCheckpoint c;
  c.path = file;
  if (name == "best.h5") {
    c.kind = RunCheckpoint::Kind::Best;
    return c;
  }
  // epoch_0003.h5, epoch_0003_batch_00120.h5 (RunFiles::numbered)
  if (!name.starts_with("epoch_") || !name.ends_with(".h5")) return std::nullopt;
  const std::string_view body(name.data() + 6, name.size() - 6 - 3);
  const size_t cut = body.find("_batch_");
  const auto epoch = number(body.substr(0, cut));
  if (!epoch || *epoch == 0) return std::nullopt;
  c.epoch = *epoch;
  if (cut == std::string_view::npos) return c;
  const auto batch = number(body.substr(cut + 7));
  if (!batch || *batch == 0) return std::nullopt;
  c.kind = RunCheckpoint::Kind::MidEpoch;
  c.batch = *batch;
  return c;
}

const RunCheckpoint* RunInfo::best() const {
  for (const RunCheckpoint& c : checkpoints)
    if (c.kind == RunCheckpoint::Kind::Best) return &c;
  return nullptr;
}

const RunCheckpoint* RunInfo::last() const {
  for (const RunCheckpoint& c : checkpoints)
    if (c.kind != RunCheckpoint::Kind::Best) return &c;  // newest first
  return nullptr;
}

fs::path runs_folder(const io::Project& project) {
  return default_run_dir(project).parent_path();
}

namespace {

// An older run's record, from its newest readable checkpoint: settings from the project stored
// there, metrics from its history. State Unknown: whether it finished is not written anywhere.
std::optional<RunRecord> rebuilt_record(const RunInfo& run, std::string& problem) {
  for (const RunCheckpoint* c : {run.last(), run.best()}) {
    if (!c) continue;
    try {
      const io::Checkpoint summary = io::read_checkpoint_summary(c->path);
      RunRecord r;
      r.name = run.name;
      r.state = RecordState::Unknown;
      r.epochs_done = summary.epoch;
      r.last = epoch_metrics(summary.history, summary.epoch);
      r.project = nlohmann::json::parse(summary.project, nullptr, false);
      if (r.project.is_discarded() || !r.project.is_object()) {
        r.project = nullptr;
      } else if (const auto t = r.project.find("training"); t != r.project.end()) {
        std::vector<io::Problem> ignored;  // a setting it cannot read is left out
        const io::TrainingConfig config = io::parse_training_config(*t, "training", ignored);
        r.settings = common_settings(config);
        r.epochs = config.epochs;
        r.monitor = config.early_stopping ? config.early_stopping->monitor : "val_loss";
        if (!summary.history.contains(r.monitor)) r.monitor = "train_loss";
        const std::string mode = config.early_stopping ? config.early_stopping->mode : "";
        r.best = best_epoch(summary.history, r.monitor,
                            mode.empty() ? r.monitor.ends_with("accuracy") : mode == "max");
      }
      return r;
    } catch (const std::exception& e) {
      problem = e.what();
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<RunInfo> list_runs(const fs::path& folder, RunListing which) {
  std::vector<RunInfo> runs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (!entry.is_directory(ec)) continue;
    RunInfo run;
    run.dir = entry.path();
    run.name = run.dir.filename().string();
    for (const auto& file : fs::directory_iterator(run.dir, ec))
      if (file.is_regular_file(ec))
        if (auto c = parse_run_checkpoint(file.path())) run.checkpoints.push_back(*c);
    try {
      run.record = read_run_record(run.dir);
    } catch (const std::exception& e) {
      run.record_problem = e.what();
    }
    if (run.checkpoints.empty() && !(which == RunListing::All && run.record)) continue;
    std::sort(run.checkpoints.begin(), run.checkpoints.end(),
              [](const RunCheckpoint& a, const RunCheckpoint& b) {
                const bool a_best = a.kind == RunCheckpoint::Kind::Best;
                const bool b_best = b.kind == RunCheckpoint::Kind::Best;
                if (a_best != b_best) return a_best;
                return order(a) > order(b);
              });
    run.started = stamp_time(run.name).value_or(folder_time(run.dir));
    if (!run.record && run.record_problem.empty())
      run.record = rebuilt_record(run, run.record_problem);
    runs.push_back(std::move(run));
  }
  std::sort(runs.begin(), runs.end(), [](const RunInfo& a, const RunInfo& b) {
    return a.started != b.started ? a.started > b.started : a.name > b.name;
  });
  return runs;
}

std::vector<RunInfo> list_runs(const io::Project& project, RunListing which) {
  return list_runs(runs_folder(project), which);
}

std::string CheckpointInfo::describe() const {
  std::string text = "epoch " + std::to_string(batch > 0 ? epoch + 1 : epoch);
  if (batch > 0) text += ", batch " + std::to_string(batch);
  if (metric.empty()) return text;
  std::string name = metric;
  std::replace(name.begin(), name.end(), '_', ' ');
  char number[32];
  if (metric.ends_with("accuracy"))
    std::snprintf(number, sizeof number, "%.2f%%", 100.0 * value);
  else
    std::snprintf(number, sizeof number, "%.4g", value);
  return text + ", " + name + " " + number;
}

CheckpointInfo read_checkpoint_info(const fs::path& file) {
  const io::Checkpoint c = io::read_checkpoint_summary(file);
  CheckpointInfo info;
  info.epoch = c.epoch;
  info.batch = c.batch;
  info.created = c.created;
  info.history = c.history;
  // The history of a checkpoint ends at its last completed epoch: its last entry is that epoch's.
  if (c.epoch > 0)
    for (const char* metric : kHeadline) {
      const auto it = c.history.find(metric);
      if (it == c.history.end() || int64_t(it->second.size()) < c.epoch) continue;
      info.metric = metric;
      info.value = it->second[size_t(c.epoch - 1)];
      break;
    }
  return info;
}

std::map<std::string, std::vector<double>> read_run_history(const RunInfo& run,
                                                            std::string* problem) {
  std::map<std::string, std::vector<double>> longest;
  size_t epochs = 0;
  for (const RunCheckpoint* c : {run.last(), run.best()}) {
    if (!c) continue;
    try {
      io::Checkpoint summary = io::read_checkpoint_summary(c->path);
      const auto it = summary.history.find("train_loss");
      const size_t n = it == summary.history.end() ? 0 : it->second.size();
      if (n > epochs) {
        epochs = n;
        longest = std::move(summary.history);
      }
    } catch (const std::exception& e) {
      // The other checkpoint may still give the curves; the caller says why one was left out.
      if (problem) *problem = e.what();
    }
  }
  return longest;
}

std::string export_file_name(const std::string& project_stem, const RunInfo& run,
                             const RunCheckpoint& checkpoint, bool latest_run) {
  std::string stem = project_stem.empty() ? "checkpoint" : project_stem;
  if (!latest_run) stem += "-" + run.name;
  return stem + "-" + checkpoint.tag() + ".h5";
}

void copy_checkpoint(const fs::path& from, const fs::path& to) {
  try {
    io::write_atomic_with(to, [&](const fs::path& tmp) {
      fs::copy_file(from, tmp, fs::copy_options::overwrite_existing);
    });
  } catch (const std::exception& e) {
    throw Error("cannot copy the checkpoint " + from.string() + " to " + to.string() + ": " +
                e.what() + "; check that the folder exists and is writable");
  }
}

}  // namespace nw::train
