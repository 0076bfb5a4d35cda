// `netwright-cli runs PROJECT [--json]`: the project's runs on disk, newest first, with their
// checkpoints, as the application's Export Checkpoint and Evaluate see them (train/run_index.h).
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
                   {"checkpoints", checkpoints}});
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
    const std::vector<train::RunInfo> runs = train::list_runs(project);
    if (a->json) {
      std::cout << runs_json(runs).dump(2) << "\n";
    } else if (runs.empty()) {
      std::cout << "no runs under " << train::runs_folder(project).string() << "\n";
    } else {
      for (const train::RunInfo& run : runs) {
        std::cout << run.name << "  (started " << local_time(run.started) << ")  "
                  << run.dir.string() << "\n";
        for (const train::RunCheckpoint& ck : run.checkpoints)
          std::cout << "  " << ck.path.filename().string() << "  " << describe(ck) << "\n";
      }
    }
    result = kOk;
  });
}

}  // namespace nw::cli
