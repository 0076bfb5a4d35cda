// The sweep's course: trials rung by rung, successive halving between rungs, the trials' records
// and the summary. How one leg trains is sweep_legs.cpp's.
#include "train/sweep_runner.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "io/atomic_file.h"
#include "train/run_index.h"
#include "train/sweep_runner_impl.h"

namespace nw::train {

namespace fs = std::filesystem;

namespace {

std::string stamp_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  return stamp;
}

std::string figure(const std::optional<double>& v) {
  if (!v) return "none";
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", *v);
  return text;
}

nlohmann::json number(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

std::optional<double> TrialResult::metric() const {
  return rung_metric.empty() ? std::nullopt : rung_metric.back();
}

const TrialResult* SweepResult::best_trial() const {
  for (const TrialResult& t : trials)
    if (t.trial == best) return &t;
  return nullptr;
}

nlohmann::json to_json(const SweepResult& r) {
  nlohmann::json trials = nlohmann::json::array();
  for (const TrialResult& t : r.trials) {
    nlohmann::json rungs = nlohmann::json::array();
    for (const auto& m : t.rung_metric) rungs.push_back(number(m));
    trials.push_back({{"trial", t.trial},
                      {"run", t.run},
                      {"settings", t.settings},
                      {"state", to_string(t.state)},
                      {"reason", t.reason},
                      {"epochs_done", t.epochs_done},
                      {"rung_metric", rungs},
                      {"halted_at", t.halted_at}});
  }
  return {{"netwright_sweep", 1}, {"name", r.name},
          {"metric", r.metric},   {"mode", r.maximize ? "max" : "min"},
          {"rungs", r.rungs},     {"trials", trials},
          {"best", r.best},       {"stopped", r.stopped}};
}

SweepRunner::SweepRunner(io::Project project, SweepSpec spec, SweepOptions options)
    : impl_(std::make_unique<Impl>()),
      project_(std::move(project)),
      spec_(std::move(spec)),
      options_(std::move(options)) {
  check_sweep(spec_, project_);
  plan_ = plan_trials(spec_, project_);
  if (options_.parallel <= 0) options_.parallel = spec_.parallel;
  if (options_.stamp.empty()) options_.stamp = stamp_now();
  if (options_.runs_folder.empty()) options_.runs_folder = runs_folder(project_);
  name_ = options_.stamp + "-" + spec_.name;
}

SweepRunner::~SweepRunner() = default;

void SweepRunner::request_stop() {
  impl_->stop = true;
  impl_->stop_running();
}

void SweepRunner::say(MessageLevel level, const std::string& text) {
  if (callbacks_.on_message) callbacks_.on_message(level, text);
}

void SweepRunner::finish_leg(TrialResult& t, int64_t epochs, const std::string& fallback) {
  std::optional<RunRecord> r;
  try {
    r = read_run_record(t.dir);
  } catch (const std::exception& e) {
    say(MessageLevel::Warning, e.what());
  }
  if (!r) {
    t.state = RecordState::Failed;
    t.reason = fallback.empty() ? "the trial wrote no run.json" : fallback;
    t.rung_metric.push_back(std::nullopt);
  } else {
    t.state = r->state;
    t.reason = r->reason;
    t.epochs_done = r->epochs_done;
    const bool measured =
        r->state == RecordState::Finished || r->state == RecordState::EarlyStopped;
    t.rung_metric.push_back(measured ? r->last.get(spec_.metric) : std::nullopt);
  }
  if (t.state == RecordState::Finished && t.epochs_done < epochs)
    t.state = RecordState::Stopped;  // a child stopped before its rung's end
  if (callbacks_.on_trial_end) callbacks_.on_trial_end(t);
}

void SweepRunner::halt(TrialResult& t, int64_t epochs, const std::string& why) {
  t.state = RecordState::Halted;
  t.reason = why;
  t.halted_at = epochs;
  try {
    std::optional<RunRecord> r = read_run_record(t.dir);
    if (!r) return;
    r->state = RecordState::Halted;
    r->reason = why;
    if (!r->sweep) r->sweep = SweepMembership{name_, t.trial, 0, {}};
    r->sweep->halted_at = epochs;
    r->sweep->why = why;
    write_run_record(t.dir, *r);
  } catch (const std::exception& e) {
    say(MessageLevel::Warning, "trial " + std::to_string(t.trial) + ": " + e.what());
  }
}

SweepResult SweepRunner::run() {
  SweepResult result;
  result.name = name_;
  result.metric = spec_.metric;
  result.maximize = spec_.maximize();
  result.rungs = rung_epochs(spec_);
  result.summary = options_.runs_folder / (name_ + ".sweep.json");
  fs::create_directories(options_.runs_folder);
  const int digits = plan_.size() > 99 ? 3 : 2;
  for (const Trial& trial : plan_) {
    TrialResult t;
    t.trial = trial.index;
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "-t%0*d", digits, trial.index);
    t.run = name_ + suffix;
    t.dir = options_.runs_folder / t.run;
    t.settings = trial.settings;
    result.trials.push_back(std::move(t));
  }
  const auto write_summary = [&] {
    try {
      io::write_file_atomic(result.summary, to_json(result).dump(2) + "\n");
    } catch (const std::exception& e) {
      say(MessageLevel::Warning, e.what());
    }
  };

  std::vector<TrialResult*> active;
  for (TrialResult& t : result.trials) active.push_back(&t);
  for (size_t rung = 0; rung < result.rungs.size() && !active.empty(); ++rung) {
    const int64_t epochs = result.rungs[rung];
    if (options_.parallel > 1) {
      train_apart(active, int(rung), epochs);
    } else {
      for (TrialResult* t : active) {
        if (impl_->stop) break;
        train_here(*t, int(rung), epochs);
      }
    }
    write_summary();
    if (impl_->stop) break;
    if (rung + 1 == result.rungs.size()) break;
    std::vector<TrialScore> scores;
    for (const TrialResult* t : active)
      scores.push_back({t->trial, t->state == RecordState::Finished ? t->metric() : std::nullopt});
    const RungChoice choice = choose_promoted(scores, spec_.halving->eta, result.maximize);
    std::vector<TrialResult*> next;
    for (int trial : choice.promoted) next.push_back(&result.trials[size_t(trial - 1)]);
    for (size_t i = 0; i < choice.halted.size(); ++i) {
      TrialResult& t = result.trials[size_t(choice.halted[i] - 1)];
      if (t.state != RecordState::Finished) continue;  // failed or early-stopped: said already
      halt(t, epochs,
           spec_.metric + " " + figure(t.metric()) + " at epoch " + std::to_string(epochs) +
               " ranked " + std::to_string(choice.promoted.size() + i + 1) + " of " +
               std::to_string(active.size()) + "; successive halving kept the best " +
               std::to_string(choice.promoted.size()));
    }
    if (callbacks_.on_rung_end) callbacks_.on_rung_end(int(rung), epochs, choice);
    std::sort(next.begin(), next.end(),
              [](const TrialResult* a, const TrialResult* b) { return a->trial < b->trial; });
    active = std::move(next);
  }
  result.stopped = impl_->stop;
  for (TrialResult& t : result.trials)
    if (t.state == RecordState::Running && t.rung_metric.empty()) {
      t.state = RecordState::Stopped;
      t.reason = "the sweep was stopped before this trial ran";
    }

  // The best: of the trials that reached the furthest rung with a figure, the best figure there.
  size_t furthest = 0;
  for (const TrialResult& t : result.trials)
    if (t.metric()) furthest = std::max(furthest, t.rung_metric.size());
  for (const TrialResult& t : result.trials) {
    if (!t.metric() || t.rung_metric.size() != furthest) continue;
    const TrialResult* best = result.best_trial();
    if (!best || (result.maximize ? *t.metric() > *best->metric() : *t.metric() < *best->metric()))
      result.best = t.trial;
  }
  write_summary();
  return result;
}

}  // namespace nw::train
