// netwright-cli train PROJECT: trains with progress on the terminal, writes checkpoints to a run
// folder and ends with a summary of the metrics. Under mpirun (or srun) every rank runs this with
// dist::world(): rank 0 prints, writes the run folder and the metrics file; the others print only
// their errors ("error: rank R of K: ...").
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "cpu/threads.h"
#include "dist/communicator.h"
#include "progress.h"
#include "report.h"
#include "session.h"
#include "train/metrics_log.h"
#include "train/session.h"
#include "train/setting_path.h"

namespace nw::cli {

namespace {

std::atomic<int> g_interrupts{0};
extern "C" void on_interrupt(int) {
  g_interrupts.fetch_add(1);
}

struct TrainArgs {
  std::string project, device, out, init, resume, metrics;
  std::optional<int64_t> epochs, limit, stop_after;
  int64_t health_every = train::kHealthEvery;
  std::optional<uint64_t> seed;
  std::vector<std::string> settings;  // --set PATH=VALUE
  std::string sweep_trial;            // --sweep-trial NAME:INDEX (a sweep's child process)
  bool quiet = false;
  int threads = 0, workers = 0;
};

int run_train(const TrainArgs& a) {
  if (a.threads > 0) set_num_threads(a.threads);
  train::SessionOptions o;
  o.out_dir = a.out;
  o.limit = a.limit.value_or(0);
  o.num_workers = a.workers;
  o.resume = a.resume;
  o.init = a.init;
  o.epochs = a.epochs;
  o.seed = a.seed;
  o.device = a.device;
  o.stop_after = a.stop_after.value_or(0);
  for (const std::string& text : a.settings) {
    const auto [path, value] = train::parse_setting_assignment(text);
    o.settings[path] = value;
  }
  if (!a.sweep_trial.empty()) {
    const size_t colon = a.sweep_trial.rfind(':');
    int trial = 0;
    if (colon == std::string::npos || (trial = std::atoi(a.sweep_trial.c_str() + colon + 1)) < 1)
      throw CliError(kUsage, "--sweep-trial: expected NAME:INDEX, got " + a.sweep_trial);
    o.sweep = train::SweepMembership{a.sweep_trial.substr(0, colon), trial, 0, {}};
  }
  o.health_every = a.health_every;
  dist::Communicator& comm = dist::world();
  o.comm = &comm;
  const bool leader = comm.rank() == 0;
  io::Project project = load_project(a.project);
  // The folder is named for the time, which ranks may read a second apart: rank 0's name wins.
  std::string out = o.out_dir.empty() ? train::default_run_dir(project).string() : a.out;
  comm.broadcast(out, 0);
  o.out_dir = out;
  // Messages before the progress display exists: what the session loaded, graph warnings.
  std::vector<std::pair<train::MessageLevel, std::string>> early;
  auto session = train::open_session(
      std::move(project), o,
      [&](train::MessageLevel level, const std::string& text) { early.emplace_back(level, text); });
  train::Trainer& trainer = *session->trainer;
  const io::Datasets& data = session->data;
  Progress progress(session->project.training.epochs, a.quiet || !leader);
  // As the communicator's abort says it: "error: rank 1 of 2: ...".
  const std::string who =
      leader ? ""
             : "rank " + std::to_string(comm.rank()) + " of " + std::to_string(comm.size()) + ": ";
  auto say = [&](train::MessageLevel level, const std::string& text) {
    if (level == train::MessageLevel::Info)
      progress.message(text);
    else if (leader || level == train::MessageLevel::Error)
      std::cerr << (level == train::MessageLevel::Warning ? "warning: " : "error: ") << who << text
                << "\n";
  };
  for (const auto& [level, text] : early) say(level, text);

  std::ofstream metrics;
  if (!a.metrics.empty() && leader) {
    // The run folder does not exist yet when --metrics is inside it, as the application's
    // command line puts it.
    std::error_code ignored;  // a folder that cannot be made fails the open below, with the path
    std::filesystem::create_directories(std::filesystem::path(a.metrics).parent_path(), ignored);
    metrics.open(a.metrics);
    if (!metrics) throw CliError(kInvalidInput, "--metrics: cannot write " + a.metrics);
  }
  auto& cb = trainer.callbacks();
  cb.on_batch_end = [&](const train::BatchStats& b) {
    progress.batch(b);
    // Flushed: the application follows the file batch by batch while the run goes on.
    if (metrics.is_open()) metrics << train::batch_json(b).dump() << "\n" << std::flush;
  };
  cb.on_epoch_end = [&](const train::EpochStats& e) {
    progress.epoch(e);
    if (metrics.is_open()) metrics << train::epoch_json(e).dump() << "\n" << std::flush;
  };
  cb.on_message = say;
  cb.on_health = [&](const train::HealthSample& h) {
    if (metrics.is_open()) metrics << train::health_json(h).dump() << "\n" << std::flush;
  };

  progress.message("training " + session->project.name + " for " +
                   std::to_string(session->project.training.epochs) + " epochs; checkpoints in " +
                   o.out_dir.string());
  if (comm.size() > 1) {
    const int64_t b = session->project.training.batch_size;
    const std::string exchange = trainer.gradient_exchange();
    progress.message("data parallel: " + std::to_string(comm.size()) + " ranks (" +
                     (comm.backend() == "mpi" ? std::string("MPI") : comm.backend()) +
                     (exchange == "nccl" ? ", gradients through NCCL" : "") + "), batch " +
                     std::to_string(b) + " per rank, effective batch " +
                     std::to_string(b * comm.size()));
  }
  // Ctrl-C, or SIGTERM (what mpirun sends every rank on Ctrl-C, and a batch system before it
  // kills), stops at the next batch boundary with a checkpoint. Every rank watches for it, since
  // a launcher may signal one rank only and on_batch_end runs on rank 0 alone; the ranks agree on
  // the stop at the next batch.
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  std::atomic<bool> training{true};
  std::thread watch([&] {
    while (training.load() && g_interrupts.load() == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (g_interrupts.load() > 0) trainer.request_stop();
  });
  const train::RunResult r = trainer.run();
  training = false;
  watch.join();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);

  if (r.state == train::RunState::Failed) {
    if (metrics.is_open()) metrics << train::failed_json(r.reason).dump() << "\n" << std::flush;
    // Another rank may be waiting in a collective for this one: end them all.
    if (comm.size() > 1) comm.abort(kTrainingFailed, "training failed: " + r.reason);
    std::cerr << "error: training failed: " << r.reason << "\n";
    return kTrainingFailed;
  }
  progress.message(std::string("run ") + train::to_string(r.state) +
                   (r.reason.empty() ? "" : ": " + r.reason));
  std::optional<train::EvalResult> test;
  if (data.test && r.state != train::RunState::Stopped) {
    test = trainer.evaluate("test");
    if (metrics.is_open()) metrics << eval_json(*test, data.class_names).dump() << "\n";
  }
  if (!a.quiet && leader)
    print_run_summary(std::cout, trainer.history(), test, r, data.class_names);
  return kOk;
}

}  // namespace

void add_train_command(CLI::App& app, int& result) {
  auto a = std::make_shared<TrainArgs>();
  CLI::App* c = app.add_subcommand("train", "Train a project's network");
  c->add_option("PROJECT", a->project, "project file (.nwproj)")
      ->required()
      ->check(CLI::ExistingFile);
  c->add_option("--epochs", a->epochs, "total epochs (overrides the project)")
      ->check(CLI::PositiveNumber);
  c->add_option("--device", a->device, "cpu, cuda or auto")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}));
  c->add_option(
      "--out", a->out,
      "run folder for checkpoints (default: runs/<name>/<time>/ beside the project, or under "
      "$XDG_DATA_HOME/netwright/ (~/.local/share/netwright/) for an installed or read-only one)");
  c->add_option("--init", a->init,
                "initialize matching weights from a checkpoint (.h5) or a PyTorch state_dict "
                "(.pt/.pth) "
                "(transfer learning)");
  c->add_option("--resume", a->resume, "continue the run saved in a checkpoint (.h5)")
      ->check(CLI::ExistingFile);
  c->add_option("--metrics", a->metrics,
                "write one JSON object per batch, per epoch and per layer health sample to this "
                "file");
  c->add_option("--health-every", a->health_every,
                "measure layer health (activations, gradient norms, update ratios) every N "
                "batches, into the metrics file, with warnings about layers in trouble; 0: off")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  c->add_option("--seed", a->seed, "random seed (overrides the project)");
  c->add_option("--threads", a->threads,
                "CPU threads (default: OMP_NUM_THREADS or one per physical core)");
  c->add_option("--workers", a->workers, "data-loading threads");
  c->add_option("--limit", a->limit,
                "use only the first N samples of each split (for quick trials)")
      ->check(CLI::PositiveNumber);
  c->add_option("--set", a->settings,
                "change a setting for this run, as PATH=VALUE (repeatable): "
                "training.optimizer.lr=0.01, training.batch_size=32, "
                "training.optimizer.type=SGD, graph.fc1.out_features=256; recorded in run.json")
      ->type_name("PATH=VALUE");
  c->add_flag("--quiet", a->quiet, "print nothing but errors");
  // For tests: stop (with a resumable checkpoint) after N batches, as Ctrl-C would.
  c->add_option("--stop-after", a->stop_after, "stop after N batches of this run")
      ->check(CLI::PositiveNumber)
      ->group("");
  // For sweeps (train/sweep_runner.h): the trial this run is, recorded in its run.json.
  c->add_option("--sweep-trial", a->sweep_trial, "sweep name and trial number")->group("");
  c->get_option("--resume")->excludes("--init");
  c->callback([a, &result] { result = run_train(*a); });
}

}  // namespace nw::cli
