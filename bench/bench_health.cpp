// Issue 21, check 2: what layer health costs a training step. Trains the bundled CNN project
// (projects/fashion-mnist-cnn.nwproj) through the same session as `netwright-cli train`, with
// sampling at the default interval (train::kHealthEvery) and with it off, alternating which goes
// first, same seed and data, and prints the median step times, their ratio (goal <= 1.05) and
// what one sampled step costs. Usage:
//   bench_health [--rounds R] [--batches B] [--threads N] [--every N]
// A run trains B + 1 batches; the first (loader start-up) is left out, so with B a multiple of
// the interval the timed batches hold exactly B / interval sampled ones.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "backend/threads.h"
#include "io/project.h"
#include "train/metrics_log.h"
#include "train/session.h"

using namespace nw;

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  int rounds = 5;
  int64_t batches = 200;
  int threads = 2;
  int64_t every = train::kHealthEvery;
};

struct RunTimes {
  double mean_step = 0.0;              // seconds per timed batch
  std::vector<double> sampled, plain;  // the timed batches' durations, by kind
};

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

RunTimes train_once(const io::Project& project, const Args& a, bool health) {
  train::SessionOptions o;
  o.limit = (a.batches + 1) * project.training.batch_size;
  o.epochs = 1;
  o.device = "cpu";
  o.stop_after = a.batches + 1;
  o.health_every = health ? a.every : 0;
  auto session = train::open_session(project, o, [](train::MessageLevel, const std::string&) {});
  auto& cb = session->trainer->callbacks();
  std::vector<Clock::time_point> at;  // after each batch (the CPU reads figures every batch)
  std::vector<int64_t> sampled_steps;
  size_t json_bytes = 0;
  cb.on_batch_end = [&](const train::BatchStats&) { at.push_back(Clock::now()); };
  // What the CLI does with a sample: one line of the metrics file.
  cb.on_health = [&](const train::HealthSample& h) {
    json_bytes += train::health_json(h).dump().size();
    sampled_steps.push_back(h.step);
  };
  session->trainer->run();
  RunTimes t;
  if (at.size() < 2) return t;
  t.mean_step =
      std::chrono::duration<double>(at.back() - at.front()).count() / double(at.size() - 1);
  for (size_t i = 1; i < at.size(); ++i) {
    const double d = std::chrono::duration<double>(at[i] - at[i - 1]).count();
    const bool s = std::find(sampled_steps.begin(), sampled_steps.end(), int64_t(i + 1)) !=
                   sampled_steps.end();
    (s ? t.sampled : t.plain).push_back(d);
  }
  if (health && json_bytes == 0) std::fprintf(stderr, "warning: no health sample arrived\n");
  return t;
}

bool parse(int argc, char** argv, Args& a) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--rounds")
      a.rounds = std::atoi(value.c_str());
    else if (flag == "--batches")
      a.batches = std::atoll(value.c_str());
    else if (flag == "--threads")
      a.threads = std::atoi(value.c_str());
    else if (flag == "--every")
      a.every = std::atoll(value.c_str());
    else
      return false;
  }
  return argc % 2 == 1 && a.rounds > 0 && a.batches > 0 && a.threads > 0 && a.every > 0;
}

}  // namespace

int main(int argc, char** argv) {
  nw::start_with_passive_openmp(argv);
  Args a;
  if (!parse(argc, argv, a)) {
    std::fprintf(stderr,
                 "usage: bench_health [--rounds R] [--batches B] [--threads N] [--every N]\n");
    return 2;
  }
  try {
    set_num_threads(a.threads);
    const io::Project project = io::load_project(NW_CNN_PROJECT);
    std::printf(
        "bench_health: %s, batch %lld, %lld timed batches per run, sampling every %lld, "
        "%d threads, %d rounds\n",
        project.name.c_str(), static_cast<long long>(project.training.batch_size),
        static_cast<long long>(a.batches), static_cast<long long>(a.every), a.threads, a.rounds);
    std::vector<double> off, on, ratios, sampled, plain;
    for (int r = 0; r < a.rounds; ++r) {
      RunTimes t_off, t_on;
      if (r % 2 == 0) {
        t_off = train_once(project, a, false);
        t_on = train_once(project, a, true);
      } else {
        t_on = train_once(project, a, true);
        t_off = train_once(project, a, false);
      }
      off.push_back(t_off.mean_step);
      on.push_back(t_on.mean_step);
      ratios.push_back(t_on.mean_step / t_off.mean_step);
      sampled.push_back(median(t_on.sampled));
      plain.push_back(median(t_on.plain));
      std::printf(
          "round %d: off %.2f ms/step, on %.2f ms/step, ratio %.4f; sampled step %.2f ms "
          "(median of %zu), other steps %.2f ms\n",
          r + 1, 1e3 * t_off.mean_step, 1e3 * t_on.mean_step, ratios.back(), 1e3 * sampled.back(),
          t_on.sampled.size(), 1e3 * plain.back());
    }
    const double ratio = median(ratios);
    const double extra = median(sampled) - median(plain);
    std::printf("median step: off %.2f ms, on %.2f ms; ratio on/off %.4f (goal <= 1.05): %s\n",
                1e3 * median(off), 1e3 * median(on), ratio, ratio <= 1.05 ? "PASS" : "FAIL");
    std::printf(
        "one sampled step: %.2f ms, %.2f ms more than a plain step (%.2fx); over %lld "
        "batches that is %.2f%% of step time\n",
        1e3 * median(sampled), 1e3 * extra, median(sampled) / median(plain),
        static_cast<long long>(a.every), 100.0 * extra / double(a.every) / median(plain));
    return ratio <= 1.05 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
