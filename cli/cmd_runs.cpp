// `netwright-cli runs PROJECT [--json]`: the project's runs on disk, newest first, with their
// checkpoints, as the application's Export Checkpoint and Evaluate see them (train/run_index.h),
// and what each run's record (run.json) says: state, settings, final metrics, sweep membership.
#include <cstdio>
#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "session.h"
#include "train/run_index.h"

namespace nw::cli {
namespace {

std::string local_time(std::time_t t) {
  std::tm tm{};
  localtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

// The epoch and headline metric a checkpoint holds; its read error when it cannot be read.
std::string describe(const train::RunCheckpoint& c) {
  try {
    return train::read_checkpoint_info(c.path).describe();
  } catch (const std::exception& e) {
    return std::string("unreadable: ") + e.what();
  }
}

// "val_loss 0.4123, val_accuracy 85.30%" for the figures an epoch has.
std::string metrics_text(const train::EpochMetrics& m) {
  std::string out;
  for (const char* name : {"train_loss", "train_accuracy", "val_loss", "val_accuracy"}) {
    const auto v = m.get(name);
    if (!v) continue;
    char number[32];
    if (std::string(name).ends_with("accuracy"))
      std::snprintf(number, sizeof number, "%.2f%%", 100.0 * *v);
    else
      std::snprintf(number, sizeof number, "%.4f", *v);
    out += (out.empty() ? "" : ", ") + std::string(name) + " " + number;
  }
  return out;
}

std::string settings_text(const std::map<std::string, nlohmann::json>& settings) {
  std::string out;
  for (const auto& [path, value] : settings)
    out += (out.empty() ? "" : "  ") + path + "=" + train::setting_text(value);
  return out;
}

// The record's lines under a run's header; the problem when its run.json cannot be read.
void print_record(const train::RunInfo& run) {
  if (!run.record) {
    if (!run.record_problem.empty()) std::cout << "  record: " << run.record_problem << "\n";
    return;
  }
  const train::RunRecord& r = *run.record;
  std::cout << "  " << train::to_string(r.state) << ", " << r.epochs_done << " of " << r.epochs
            << " epochs" << (r.reason.empty() ? "" : " (" + r.reason + ")") << "\n";
  if (r.sweep) std::cout << "  sweep " << r.sweep->sweep << ", trial " << r.sweep->trial << "\n";
  if (!r.settings.empty()) std::cout << "  settings: " << settings_text(r.settings) << "\n";
  if (r.last.epoch > 0)
    std::cout << "  last (epoch " << r.last.epoch << "): " << metrics_text(r.last) << "\n";
  if (r.best.epoch > 0 && r.best.epoch != r.last.epoch)
    std::cout << "  best (epoch " << r.best.epoch << "): " << metrics_text(r.best) << "\n";
}

nlohmann::json record_json(const train::RunInfo& run) {
  if (!run.record) return nullptr;
  nlohmann::json j = train::to_json(*run.record);
  j.erase("project");  // long; the run's run.json has it
  return j;
}

nlohmann::json runs_json(const std::vector<train::RunInfo>& runs) {
  nlohmann::json out = nlohmann::json::array();
  for (const train::RunInfo& run : runs) {
    nlohmann::json checkpoints = nlohmann::json::array();
    for (const train::RunCheckpoint& c : run.checkpoints)
      checkpoints.push_back(
          {{"which", c.label()}, {"path", c.path.string()}, {"about", describe(c)}});
    out.push_back({{"run", run.name},
                   {"dir", run.dir.string()},
                   {"started", local_time(run.started)},
                   {"checkpoints", checkpoints},
                   {"record", record_json(run)}});
  }
  return out;
}

}  // namespace

void add_runs_command(CLI::App& app, int& result) {
  struct Args {
    std::string project;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* c = app.add_subcommand("runs", "List a project's runs on disk and their checkpoints");
  c->add_option("PROJECT", a->project, "the .nwproj file")->required();
  c->add_flag("--json", a->json, "as JSON");
  c->callback([a, &result] {
    const io::Project project = load_project(a->project);
    const std::vector<train::RunInfo> runs = train::list_runs(project, train::RunListing::All);
    if (a->json) {
      std::cout << runs_json(runs).dump(2) << "\n";
    } else if (runs.empty()) {
      std::cout << "no runs under " << train::runs_folder(project).string() << "\n";
    } else {
      for (const train::RunInfo& run : runs) {
        std::cout << run.name << "  (started " << local_time(run.started) << ")  "
                  << run.dir.string() << "\n";
        print_record(run);
        for (const train::RunCheckpoint& ck : run.checkpoints)
          std::cout << "  " << ck.path.filename().string() << "  " << describe(ck) << "\n";
      }
    }
    result = kOk;
  });
}

}  // namespace nw::cli
