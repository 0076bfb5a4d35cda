#pragma once
// One training run, assembled the same way for every front end: project -> validated graph ->
// datasets -> compiled network -> trainer -> resume, "init" (transfer learning) or exact weights.
// The CLI's `train` and the application's worker both call open_session(), so a project trains
// alike in both; what the session does on the way (warnings, what it loaded) goes to `say`.
//
//   SessionOptions o;
//   o.out_dir = default_run_dir(project);
//   auto s = open_session(project, o, [](MessageLevel, const std::string& text) { ... });
//   RunResult r = s->trainer->run();
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "graph/compile.h"
#include "io/project.h"
#include "train/trainer.h"

namespace nw::train {

// A run that cannot be assembled: `where` is the place in the project or the option ("init.
// checkpoint", "--resume"), and what() says the place, the problem and the fix.
struct SessionError : Error {
  SessionError(std::string where, const std::string& message);
  std::string where;
};

struct SessionOptions {
  std::filesystem::path out_dir;  // empty: the trainer writes no checkpoints
  int64_t limit = 0;              // > 0: only the first `limit` samples of each split
  int num_workers = 0;            // data-loading threads
  // At most one of these three decides where the weights start; none: the project's "init"
  // block when it has one, else fresh weights from the seed.
  std::filesystem::path resume;   // continue this run: weights, optimizer, position, history
  std::filesystem::path init;     // the "init" checkpoint in place of the project's (its nodes
                                  // filter still applies); a PyTorch .pt/.pth state_dict too
  std::filesystem::path weights;  // every weight exactly (names and shapes must all match)
  // Overrides of the project's training settings.
  std::optional<int64_t> epochs;
  std::optional<uint64_t> seed;
  std::string device;  // "cpu", "cuda", "auto"; empty keeps the project's
  // Settings by path (train/setting_path.h: "training.optimizer.lr", "graph.fc1.out_features"),
  // applied to the project before it is checked; recorded in run.json with `sweep`.
  std::map<std::string, nlohmann::json> settings;
  std::optional<SweepMembership> sweep;
  // The ranks of a data-parallel run (Trainer's TrainerOptions::comm); null: one process.
  dist::Communicator* comm = nullptr;
  int64_t stop_after = 0;  // > 0: stop after this many batches of this run (TrainerOptions)
  int64_t health_every = kHealthEvery;  // layer health every N batches; 0: off (TrainerOptions)
  int64_t metrics_read_every = 0;       // TrainerOptions'; 0 picks by device
};

using SessionMessage = std::function<void(MessageLevel, const std::string&)>;

// What open_session() built. `project` is the project as run, with the overrides applied.
struct Session {
  io::Project project;
  std::shared_ptr<graph::GraphModule> net;
  io::Datasets data;
  std::unique_ptr<Trainer> trainer;
  std::optional<InitReport> init;  // set when weights came from an "init" checkpoint

  const std::string& loss_type() const;  // "CrossEntropyLoss" when the project names none
};

// The project's "init" block: {"init": {"checkpoint": "base.h5", "nodes": ["conv1"]}}, with the
// checkpoint resolved against the project's folder. Empty checkpoint: the project has none.
struct InitSpec {
  std::filesystem::path checkpoint;
  std::vector<std::string> nodes;  // empty: every matching tensor
};
// Throws SessionError for a malformed block ("init.nodes[1]: expected a node id string").
InitSpec init_spec(const io::Project& project);

// Throws SessionError (the graph is not valid, an init checkpoint is missing or matches
// nothing, two weight sources at once), io::ProjectError (data, optimizer, loss or scheduler),
// io::CheckpointError (a checkpoint that does not fit) or DeviceError. Seeds the default
// generator with the run's seed before compiling, so initial weights depend on the seed alone.
std::unique_ptr<Session> open_session(io::Project project, const SessionOptions& options,
                                      const SessionMessage& say);

// runs/<project name>/<yyyymmdd-hhmmss>/ beside the project, or under the user's data folder
// for an installed or read-only project (train/run_location.h): where a run goes unless told.
std::filesystem::path default_run_dir(const io::Project& project);

}  // namespace nw::train
