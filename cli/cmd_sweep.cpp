// `netwright-cli sweep PROJECT SWEEP.json`: a grid or random search over settings with successive
// halving (train/sweep_runner.h), one line per trial leg as it ends, which were halted after each
// rung, and the best trial. The trials are ordinary runs: `netwright-cli runs` lists them.
#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "cpu/threads.h"
#include "session.h"
#include "train/sweep_runner.h"

namespace nw::cli {

namespace {

std::atomic<int> g_interrupts{0};
extern "C" void on_sweep_interrupt(int) {
  g_interrupts.fetch_add(1);
}

std::string settings_text(const std::map<std::string, nlohmann::json>& settings) {
  std::string out;
  for (const auto& [path, value] : settings)
    out += (out.empty() ? "" : "  ") + path + "=" + train::setting_text(value);
  return out;
}

std::string figure(const std::optional<double>& v) {
  if (!v) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.4f", *v);
  return text;
}

struct SweepArgs {
  std::string project, sweep, device;
  int64_t limit = 0;
  int threads = 0, parallel = 0;
  bool json = false;
};

int run_sweep(const SweepArgs& a) {
  const io::Project project = load_project(a.project);
  train::SweepSpec spec = train::load_sweep(a.sweep);
  train::SweepOptions o;
  o.limit = a.limit;
  o.parallel = a.parallel;
  o.device = a.device;
  std::error_code ec;
  o.cli = std::filesystem::read_symlink("/proc/self/exe", ec);
  const int parallel = a.parallel > 0 ? a.parallel : spec.parallel;
  // One after another the trials train here, at this process's thread count; in parallel each
  // child gets --threads (cores / parallel unless given).
  if (parallel > 1)
    o.threads = a.threads;
  else if (a.threads > 0)
    set_num_threads(a.threads);
  train::SweepRunner runner(project, std::move(spec), o);
  const bool text = !a.json;
  const std::vector<int64_t> rungs = train::rung_epochs(runner.spec());
  if (text) {
    std::cout << "sweep " << runner.name() << ": " << runner.plan().size() << " trials ("
              << runner.spec().method << "), ranked by " << runner.spec().metric << " ("
              << (runner.spec().maximize() ? "max" : "min") << "), rungs at epoch";
    for (size_t i = 0; i < rungs.size(); ++i) std::cout << (i ? ", " : " ") << rungs[i];
    std::cout << (parallel > 1 ? ", " + std::to_string(parallel) + " at once" : "") << "\n";
    for (const train::Trial& t : runner.plan())
      std::cout << "  trial " << t.index << ": " << settings_text(t.settings) << "\n";
  }
  auto& cb = runner.callbacks();
  cb.on_trial_end = [&](const train::TrialResult& t) {
    if (!text) return;
    std::cout << "trial " << t.trial << " epoch " << t.epochs_done << ": " << runner.spec().metric
              << " " << figure(t.metric()) << "  " << train::to_string(t.state)
              << (t.reason.empty() ? "" : " (" + t.reason + ")") << "\n";
  };
  cb.on_rung_end = [&](int rung, int64_t epochs, const train::RungChoice& c) {
    if (!text) return;
    std::cout << "rung " << rung + 1 << " (epoch " << epochs << "): go on:";
    for (int t : c.promoted) std::cout << " " << t;
    std::cout << "; halted:";
    for (int t : c.halted) std::cout << " " << t;
    std::cout << "\n";
  };
  cb.on_message = [](train::MessageLevel level, const std::string& message) {
    if (level != train::MessageLevel::Info)
      std::cerr << (level == train::MessageLevel::Warning ? "warning: " : "error: ") << message
                << "\n";
  };
  // Ctrl-C stops the trial in progress with a checkpoint, and the sweep.
  std::signal(SIGINT, on_sweep_interrupt);
  std::signal(SIGTERM, on_sweep_interrupt);
  std::atomic<bool> running{true};
  std::thread watch([&] {
    while (running.load() && g_interrupts.load() == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (g_interrupts.load() > 0) runner.request_stop();
  });
  train::SweepResult r;
  try {
    r = runner.run();
  } catch (...) {
    running = false;
    watch.join();
    throw;
  }
  running = false;
  watch.join();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);

  if (a.json) {
    std::cout << train::to_json(r).dump(2) << "\n";
  } else {
    std::cout << "\n"
              << (r.stopped ? "stopped; " : "") << "results (" << r.metric << " at each rung):\n";
    for (const train::TrialResult& t : r.trials) {
      std::cout << "  trial " << t.trial << "  " << settings_text(t.settings) << "  ";
      for (size_t i = 0; i < t.rung_metric.size(); ++i)
        std::cout << (i ? " -> " : "") << figure(t.rung_metric[i]);
      std::cout << "  " << train::to_string(t.state) << "\n";
    }
    if (const train::TrialResult* best = r.best_trial())
      std::cout << "best: trial " << best->trial << " (" << r.metric << " "
                << figure(best->metric()) << ")  " << settings_text(best->settings) << "  "
                << best->dir.string() << "\n";
    else
      std::cout << "no trial has a figure for " << r.metric << "\n";
    std::cout << "summary: " << r.summary.string() << "\n";
  }
  return r.best_trial() ? kOk : kTrainingFailed;
}

}  // namespace

void add_sweep_command(CLI::App& app, int& result) {
  auto a = std::make_shared<SweepArgs>();
  CLI::App* c = app.add_subcommand(
      "sweep", "Search settings: a grid or random sweep with successive halving (docs/sweeps.md)");
  c->add_option("PROJECT", a->project, "project file (.nwproj)")
      ->required()
      ->check(CLI::ExistingFile);
  c->add_option("SWEEP", a->sweep, "sweep file (.json)")->required()->check(CLI::ExistingFile);
  c->add_option("--limit", a->limit,
                "use only the first N samples of each split (for quick sweeps)")
      ->check(CLI::PositiveNumber);
  c->add_option("--threads", a->threads,
                "CPU threads (one after another: this process's; in parallel: each trial's, "
                "default cores / parallel)");
  c->add_option("--parallel", a->parallel,
                "trials at once, each a child netwright-cli process (overrides the sweep file)")
      ->check(CLI::Range(1, 64));
  c->add_option("--device", a->device, "cpu, cuda or auto")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}));
  c->add_flag("--json", a->json, "print the sweep's summary as JSON");
  c->callback([a, &result] { result = run_sweep(*a); });
}

}  // namespace nw::cli
