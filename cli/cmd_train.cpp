// netwright-cli train PROJECT: trains with progress on the terminal, writes checkpoints to a run
// folder and ends with a summary of the metrics.
#include <atomic>
#include <csignal>
#include <ctime>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "cpu/threads.h"
#include "io/checkpoint.h"
#include "io/data_shapes.h"
#include "progress.h"
#include "report.h"
#include "session.h"
#include "train/trainer.h"

namespace nw::cli {

namespace {

std::atomic<int> g_interrupts{0};
extern "C" void on_interrupt(int) {
  g_interrupts.fetch_add(1);
}

std::string timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return buf;
}

std::string folder_name(const std::string& name) {
  std::string out;
  for (char c : name)
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '-';
  return out.empty() ? "project" : out;
}

struct TrainArgs {
  std::string project, device, out, init, resume, metrics;
  std::optional<int64_t> epochs, limit;
  std::optional<uint64_t> seed;
  bool quiet = false;
  int threads = 0, workers = 0;
};

// The transfer-learning form: {"init": {"checkpoint": "base.h5", "nodes": ["conv1", "conv2"]}}
// at the project's top level; --init overrides the checkpoint.
void initialize(train::Trainer& trainer, const io::Project& project, const std::string& cli_init,
                Progress& progress) {
  std::filesystem::path path = cli_init;
  std::vector<std::string> nodes;
  const auto it = project.extra.find("init");
  if (it != project.extra.end() && it->is_object()) {
    if (path.empty() && it->contains("checkpoint")) {
      path = (*it)["checkpoint"].get<std::string>();
      if (path.is_relative()) path = project.base_dir() / path;
    }
    if (it->contains("nodes"))
      for (const auto& n : (*it)["nodes"]) nodes.push_back(n.get<std::string>());
  }
  if (path.empty()) return;
  if (!std::filesystem::exists(path))
    throw CliError(kInvalidInput, "init: checkpoint " + path.string() +
                                      " does not exist; train the base project first or pass "
                                      "--init with a checkpoint");
  const io::Checkpoint ckpt = io::read_checkpoint(path);
  const train::InitReport r = train::init_from_checkpoint(trainer.net(), ckpt, nodes);
  progress.message("initialized from " + path.string() + ": " + r.to_string());
  if (r.loaded.empty())
    throw CliError(kInvalidInput,
                   "init: nothing in " + path.string() + " matches the network's names and shapes");
}

int run_train(const TrainArgs& a) {
  io::Project project = load_project(a.project);
  if (a.epochs) project.training.epochs = *a.epochs;
  if (!a.device.empty()) project.training.device = a.device;
  if (a.seed) project.training.seed = *a.seed;
  if (a.threads > 0) set_num_threads(a.threads);
  require_valid(project);
  auto net = build_network(project, project.training.seed);
  io::Datasets data = io::open_datasets(project.data, project.base_dir(), project.training.seed,
                                        a.limit.value_or(0));
  io::require_sample_shapes(data, project);

  std::filesystem::path out = a.out;
  if (out.empty()) out = project.base_dir() / "runs" / folder_name(project.name) / timestamp();
  std::filesystem::create_directories(out);

  train::TrainerOptions options;
  options.out_dir = out;
  options.project_json = io::to_string(project);
  options.num_workers = a.workers;
  train::Trainer trainer(net, data, project.training, options);
  Progress progress(project.training.epochs, a.quiet);

  if (!a.resume.empty()) {
    trainer.restore(io::read_checkpoint(a.resume), a.resume);
    progress.message("resuming " + a.resume);
  } else {
    initialize(trainer, project, a.init, progress);
  }

  std::ofstream metrics;
  if (!a.metrics.empty()) {
    metrics.open(a.metrics);
    if (!metrics) throw CliError(kInvalidInput, "--metrics: cannot write " + a.metrics);
  }
  auto& cb = trainer.callbacks();
  cb.on_batch_end = [&](const train::BatchStats& b) {
    if (g_interrupts.load() > 0) trainer.request_stop();
    progress.batch(b);
    if (metrics.is_open()) metrics << batch_json(b).dump() << "\n";
  };
  cb.on_epoch_end = [&](const train::EpochStats& e) {
    progress.epoch(e);
    if (metrics.is_open()) metrics << epoch_json(e).dump() << "\n" << std::flush;
  };
  cb.on_message = [&](train::MessageLevel level, const std::string& text) {
    if (level == train::MessageLevel::Info)
      progress.message(text);
    else
      std::cerr << (level == train::MessageLevel::Warning ? "warning: " : "error: ") << text
                << "\n";
  };

  progress.message("training " + project.name + " for " + std::to_string(project.training.epochs) +
                   " epochs; checkpoints in " + out.string());
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  const train::RunResult r = trainer.run();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);

  if (r.state == train::RunState::Failed) {
    std::cerr << "error: training failed: " << r.reason << "\n";
    if (metrics.is_open())
      metrics << nlohmann::json{{"event", "failed"}, {"reason", r.reason}}.dump() << "\n";
    return kTrainingFailed;
  }
  progress.message(std::string("run ") + train::to_string(r.state) +
                   (r.reason.empty() ? "" : ": " + r.reason));
  std::optional<train::EvalResult> test;
  if (data.test && r.state != train::RunState::Stopped) {
    test = trainer.evaluate("test");
    if (metrics.is_open()) metrics << eval_json(*test, data.class_names).dump() << "\n";
  }
  if (!a.quiet) print_run_summary(std::cout, trainer.history(), test, r, data.class_names);
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
  c->add_option("--out", a->out,
                "run folder for checkpoints (default: runs/<name>/<time>/ beside the project)");
  c->add_option("--init", a->init,
                "initialize matching weights from a checkpoint (transfer learning)");
  c->add_option("--resume", a->resume, "continue the run saved in a checkpoint")
      ->check(CLI::ExistingFile);
  c->add_option("--metrics", a->metrics,
                "write one JSON object per batch and per epoch to this file");
  c->add_option("--seed", a->seed, "random seed (overrides the project)");
  c->add_option("--threads", a->threads,
                "CPU threads (default: OMP_NUM_THREADS or half the cores)");
  c->add_option("--workers", a->workers, "data-loading threads");
  c->add_option("--limit", a->limit,
                "use only the first N samples of each split (for quick trials)")
      ->check(CLI::PositiveNumber);
  c->add_flag("--quiet", a->quiet, "print nothing but errors");
  c->get_option("--resume")->excludes("--init");
  c->callback([a, &result] { result = run_train(*a); });
}

}  // namespace nw::cli
