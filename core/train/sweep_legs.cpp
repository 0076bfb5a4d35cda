// One leg of a trial: in this process through open_session, or as a child `netwright-cli train`
// whose run folder, run.json and metrics file are the same as those of a run started by hand.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

#include "backend/threads.h"
#include "train/metrics_log.h"
#include "train/run_index.h"
#include "train/session.h"
#include "train/sweep_runner_impl.h"

extern char** environ;

namespace nw::train {

namespace fs = std::filesystem;

namespace {

// The checkpoint of the trial's last completed epoch, to resume the next rung from.
fs::path last_epoch_checkpoint(const fs::path& dir) {
  std::optional<RunCheckpoint> newest;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (auto c = parse_run_checkpoint(e.path()); c && c->kind == RunCheckpoint::Kind::Epoch)
      if (!newest || c->epoch > newest->epoch) newest = c;
  return newest ? newest->path : fs::path();
}

// A trial that failed before its trainer ran (a setting the session refused) still gets its
// record, so the runs table shows it with the reason.
void record_failure(const fs::path& dir, const std::string& name, const TrialResult& t,
                    const std::string& reason) {
  RunRecord r;
  r.name = t.run;
  r.project = nullptr;
  r.settings = t.settings;
  r.state = RecordState::Failed;
  r.reason = reason;
  r.sweep = SweepMembership{name, t.trial, 0, {}};
  try {
    fs::create_directories(dir);
    write_run_record(dir, r);
  } catch (const std::exception&) {  // the summary still says why
  }
}

std::string last_line(const fs::path& file) {
  std::ifstream in(file);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}

}  // namespace

void SweepRunner::Impl::stop_running() {
  std::lock_guard<std::mutex> lock(mutex);
  if (trainer) trainer->request_stop();
  for (pid_t pid : children) ::kill(pid, SIGTERM);
}

void SweepRunner::train_here(TrialResult& t, int rung, int64_t epochs) {
  const std::string who = "trial " + std::to_string(t.trial) + ": ";
  if (callbacks_.on_trial_start) callbacks_.on_trial_start(t, rung, epochs);
  SessionOptions o;
  o.out_dir = t.dir;
  o.limit = options_.limit;
  o.device = options_.device;
  o.epochs = epochs;
  o.settings = t.settings;
  o.sweep = SweepMembership{name_, t.trial, 0, {}};
  if (rung > 0) o.resume = last_epoch_checkpoint(t.dir);
  const SessionMessage relay = [&](MessageLevel level, const std::string& text) {
    say(level, who + text);
  };
  std::unique_ptr<Session> s;
  try {
    s = open_session(project_, o, relay);
  } catch (const std::exception& e) {
    record_failure(t.dir, name_, t, e.what());
    return finish_leg(t, epochs, e.what());
  }
  Callbacks& cb = s->trainer->callbacks();
  cb.on_batch_end = [&](const BatchStats& b) {
    if (callbacks_.on_batch_end) callbacks_.on_batch_end(t, b);
  };
  cb.on_epoch_end = [&](const EpochStats& e) {
    if (callbacks_.on_epoch_end) callbacks_.on_epoch_end(t, e);
  };
  cb.on_message = relay;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->trainer = s->trainer.get();
  }
  // NOTE: run() clears a stop asked for before it starts; the sweep checks its own flag after.
  const RunResult r = s->trainer->run();
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->trainer = nullptr;
  }
  finish_leg(t, epochs, r.reason);
}

void SweepRunner::train_apart(const std::vector<TrialResult*>& legs, int rung, int64_t epochs) {
  if (options_.cli.empty() || !fs::exists(options_.cli))
    throw Error("parallel trials run netwright-cli, and it was not found (" +
                (options_.cli.empty() ? std::string("none given") : options_.cli.string()) +
                "); install it beside the application, or run the trials one after another "
                "(parallel 1)");
  const int at_once = std::min<int>(options_.parallel, int(legs.size()));
  const int threads =
      options_.threads > 0 ? options_.threads : std::max(1, physical_cores() / at_once);
  // The children read the project as it is now, which may differ from its file: a copy beside
  // it, so that its relative data paths resolve as the original's.
  const fs::path copy =
      project_.base_dir() / ("." + name_ + "-" + std::to_string(rung) + ".nwproj");
  fs::path project_file = copy;
  try {
    io::save_project(project_, copy);
  } catch (const std::exception& e) {
    if (!fs::exists(project_.path))
      throw Error("parallel trials: cannot write " + copy.string() + " for the child processes (" +
                  e.what() +
                  "); save the project in a folder you can write, or run the trials "
                  "one after another (parallel 1)");
    project_file = project_.path;  // a read-only folder: its file as saved
  }
  struct Child {
    TrialResult* t;
    pid_t pid;
    std::unique_ptr<MetricsTail> tail;
  };
  std::vector<Child> running;
  size_t next = 0;
  const auto start = [&](TrialResult& t) {
    if (callbacks_.on_trial_start) callbacks_.on_trial_start(t, rung, epochs);
    fs::create_directories(t.dir);
    const fs::path metrics = t.dir / "metrics.jsonl";
    std::error_code ec;
    fs::remove(metrics, ec);  // the tail must not read the last rung's lines
    std::vector<std::string> args = {options_.cli.string(),
                                     "train",
                                     project_file.string(),
                                     "--out",
                                     t.dir.string(),
                                     "--epochs",
                                     std::to_string(epochs),
                                     "--threads",
                                     std::to_string(threads),
                                     "--quiet",
                                     "--metrics",
                                     metrics.string(),
                                     "--sweep-trial",
                                     name_ + ":" + std::to_string(t.trial)};
    if (options_.limit > 0) args.insert(args.end(), {"--limit", std::to_string(options_.limit)});
    if (!options_.device.empty()) args.insert(args.end(), {"--device", options_.device});
    if (rung > 0) args.insert(args.end(), {"--resume", last_epoch_checkpoint(t.dir).string()});
    for (const auto& [path, value] : t.settings)
      args.insert(args.end(), {"--set", path + "=" + value.dump()});
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string log = (t.dir / "sweep-leg.log").string();
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&files, 1, 2);
    pid_t pid = 0;
    const int err = posix_spawn(&pid, argv[0], &files, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&files);
    if (err != 0) {
      const std::string why = "cannot start " + options_.cli.string() + ": " + std::strerror(err);
      record_failure(t.dir, name_, t, why);
      return finish_leg(t, epochs, why);
    }
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->children.push_back(pid);
    running.push_back({&t, pid, std::make_unique<MetricsTail>(metrics)});
  };
  const auto relay = [&](Child& c) {
    for (const MetricsEvent& e : c.tail->read_new().events) {
      if (e.kind == MetricsEvent::Kind::Batch && callbacks_.on_batch_end)
        callbacks_.on_batch_end(*c.t, e.batch);
      if (e.kind == MetricsEvent::Kind::Epoch && callbacks_.on_epoch_end)
        callbacks_.on_epoch_end(*c.t, e.epoch);
    }
  };
  while (next < legs.size() || !running.empty()) {
    while (!impl_->stop && next < legs.size() && int(running.size()) < at_once)
      start(*legs[next++]);
    if (impl_->stop) next = legs.size();
    for (size_t i = 0; i < running.size();) {
      Child& c = running[i];
      relay(c);
      int status = 0;
      if (::waitpid(c.pid, &status, WNOHANG) != c.pid) {
        ++i;
        continue;
      }
      relay(c);
      {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        std::erase(impl_->children, c.pid);
      }
      const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
      finish_leg(*c.t, epochs, ok ? std::string() : last_line(c.t->dir / "sweep-leg.log"));
      running.erase(running.begin() + std::ptrdiff_t(i));
    }
    if (!running.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::error_code ec;
  if (project_file == copy) fs::remove(copy, ec);
}

}  // namespace nw::train
