// netwright-cli lr-find PROJECT: the learning-rate range test (core/train/lr_finder.h) on the
// project's network from fresh weights: a table of the curve with a bar per row, both rules' rates
// and the suggestion; --json puts the whole curve in one JSON object on the last line.
#include <cmath>
#include <cstdio>
#include <iostream>

#include "commands.h"
#include "cpu/threads.h"
#include "session.h"
#include "train/lr_finder.h"

namespace nw::cli {

namespace {

struct LrFindArgs {
  std::string project, device;
  double start = 1e-7, end = 10.0;
  int64_t steps = 200, limit = 0;
  std::optional<uint64_t> seed;
  int threads = 0;
  bool json = false;
};

std::string rate(std::optional<double> v) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2e", *v);
  return buf;
}

constexpr size_t kRows = 20;
constexpr int kBarWidth = 40;

// About kRows rows evenly over the curve, plus the rows the rules point at, marked.
void print_curve(std::ostream& os, const train::LrFindResult& r) {
  const auto& pts = r.points;
  const train::LrSuggestions& s = r.suggestions;
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& p : pts) lo = std::min(lo, p.smoothed), hi = std::max(hi, p.smoothed);
  const size_t every = std::max<size_t>(1, pts.size() / kRows);
  os << "        lr       loss   smoothed\n";
  for (size_t i = 0; i < pts.size(); ++i) {
    const bool steepest = s.steepest == i, minimum = s.minimum == i;
    if (i % every != 0 && i + 1 != pts.size() && !steepest && !minimum) continue;
    const double f = hi > lo ? (pts[i].smoothed - lo) / (hi - lo) : 0.0;
    char line[96];
    std::snprintf(line, sizeof line, "  %s  %9.4f  %9.4f  ", rate(pts[i].lr).c_str(), pts[i].loss,
                  pts[i].smoothed);
    os << line << std::string(1 + int(std::lround(f * (kBarWidth - 1))), '#')
       << (steepest ? "  <- steepest" : "") << (minimum ? "  <- minimum" : "") << "\n";
  }
}

int run_lrfind(const LrFindArgs& a) {
  train::LrFindOptions o;
  o.start_lr = a.start;
  o.end_lr = a.end;
  o.steps = a.steps;
  o.limit = a.limit;
  o.seed = a.seed;
  o.device = a.device;
  try {
    train::check_options(o);
  } catch (const train::LrFindError& e) {
    throw CliError(kUsage, e.what());
  }
  if (a.threads > 0) set_num_threads(a.threads);
  const train::LrFindResult r = train::find_lr(load_project(a.project), o,
                                               [](train::MessageLevel level, const std::string& t) {
                                                 if (level != train::MessageLevel::Info)
                                                   std::cerr << "warning: " << t << "\n";
                                               });
  if (a.json) {
    std::cout << train::to_json(r, o).dump() << std::endl;
    return kOk;
  }
  const train::LrSuggestions& s = r.suggestions;
  std::cout << "lr-find: " << r.points.size() << " of " << o.steps << " batches, lr "
            << rate(o.start_lr) << " to " << rate(o.end_lr) << ", weights " << r.weights << "; "
            << train::to_string(r.end) << (r.reason.empty() ? "" : ": " + r.reason) << "\n\n";
  print_curve(std::cout, r);
  std::cout << "\nsteepest descent: " << rate(s.steepest_lr)
            << "\nminimum/10:       " << rate(s.minimum_tenth_lr);
  if (s.minimum) std::cout << "  (smoothed minimum at " << rate(r.points[*s.minimum].lr) << ")";
  if (s.suggested)
    std::cout << "\nsuggested lr:     " << rate(s.suggested) << "  (" << s.rule << ")\n";
  else
    std::cout << "\nno suggestion: the loss did not fall; widen --start/--end or add --steps\n";
  return kOk;
}

}  // namespace

void add_lrfind_command(CLI::App& app, int& result) {
  auto a = std::make_shared<LrFindArgs>();
  CLI::App* c = app.add_subcommand(
      "lr-find", "Find a learning rate: train briefly while the rate rises, suggest one");
  c->add_option("PROJECT", a->project, "project file (.nwproj)")
      ->required()
      ->check(CLI::ExistingFile);
  c->add_option("--start", a->start, "the first batch's learning rate (default 1e-7)");
  c->add_option("--end", a->end, "the last batch's learning rate (default 10)");
  c->add_option("--steps", a->steps, "batches, one rate each, at least 10 (default 200)");
  c->add_option("--device", a->device, "cpu, cuda or auto")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}));
  c->add_option("--seed", a->seed,
                "random seed of the weights and the data order (overrides "
                "the project)");
  c->add_option("--threads", a->threads,
                "CPU threads (default: OMP_NUM_THREADS or one per physical core)");
  c->add_option("--limit", a->limit, "use only the first N samples of each split")
      ->check(CLI::PositiveNumber);
  c->add_flag("--json", a->json,
              "print one JSON object: every point, both rules' rates and the suggestion");
  c->callback([a, &result] { result = run_lrfind(*a); });
}

}  // namespace nw::cli
