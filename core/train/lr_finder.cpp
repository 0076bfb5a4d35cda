#include "train/lr_finder.h"

#include <cmath>
#include <sstream>

namespace nw::train {

namespace {

std::string number(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

void require(bool ok, const std::string& what) {
  if (!ok) throw LrFindError("lr-find: " + what);
}

// More epochs than any sweep needs: the sweep ends by stop_after, divergence or a stop.
constexpr int64_t kUnboundedEpochs = int64_t(1) << 40;

}  // namespace

void check_options(const LrFindOptions& o) {
  require(std::isfinite(o.start_lr) && o.start_lr > 0,
          "start_lr (" + number(o.start_lr) + ") must be a positive number, e.g. 1e-7");
  require(std::isfinite(o.end_lr) && o.end_lr > o.start_lr, "end_lr (" + number(o.end_lr) +
                                                                ") must be larger than start_lr (" +
                                                                number(o.start_lr) + "), e.g. 10");
  require(o.steps >= 10, "steps (" + std::to_string(o.steps) +
                             ") must be at least 10; a few hundred give a readable curve");
  require(o.beta >= 0 && o.beta < 1,
          "the smoothing beta (" + number(o.beta) + ") must lie in [0, 1), e.g. 0.98");
  require(o.diverge_factor > 1,
          "the divergence factor (" + number(o.diverge_factor) + ") must be larger than 1, e.g. 4");
  require(o.skip_start >= 0 && o.skip_start * 2 < o.steps,
          "skip_start (" + std::to_string(o.skip_start) + ") must lie in [0, steps / 2)");
  require(o.limit >= 0, "limit (" + std::to_string(o.limit) + ") must be 0 (all) or positive");
  require(o.num_workers >= 0,
          "threads (" + std::to_string(o.num_workers) + ") must be 0 or positive");
}

double lr_at(const LrFindOptions& o, int64_t step) {
  const double t = double(step) / double(o.steps - 1);
  return o.start_lr * std::pow(o.end_lr / o.start_lr, t);
}

const char* to_string(LrFindEnd end) {
  switch (end) {
    case LrFindEnd::Completed:
      return "completed";
    case LrFindEnd::Diverged:
      return "diverged";
    case LrFindEnd::Stopped:
      return "stopped";
  }
  return "completed";
}

LrFindResult find_lr(io::Project project, const LrFindOptions& options, const SessionMessage& say) {
  check_options(options);
  // A sweep of its own: the rate is the finder's alone, and it must not stop at an epoch count.
  project.training.scheduler = nullptr;
  project.training.early_stopping.reset();
  project.training.epochs = kUnboundedEpochs;
  SessionOptions so;
  so.limit = options.limit;
  so.num_workers = options.num_workers;
  so.seed = options.seed;
  so.device = options.device;
  so.stop_after = options.steps;
  so.metrics_read_every = 1;
  auto session = open_session(std::move(project), so, say);
  Trainer& trainer = *session->trainer;

  LrFindResult result;
  result.weights = "fresh (seed " + std::to_string(session->project.training.seed) + ")";
  if (options.weights) {
    try {
      session->net->load_state_dict(*options.weights, /*strict=*/true);
    } catch (const Error& e) {
      throw LrFindError(std::string("lr-find: the starting weights do not fit the network (") +
                        e.what() + "); start from fresh weights instead");
    }
    result.weights = "the given weights";
  }
  if (session->net->trainable_parameters().empty())
    throw LrFindError(
        "lr-find: the network has no trainable parameters (every node is frozen); mark at least "
        "one node trainable");

  // Groups keep their ratios to the first group's rate (a smaller rate for a fine-tuned part).
  auto& groups = trainer.optimizer().param_groups();
  std::vector<double> scale;
  const double base = groups.front().lr();
  for (const auto& g : groups) scale.push_back(base > 0 ? g.lr() / base : 1.0);
  const auto set_rate = [&](int64_t step) {
    for (size_t k = 0; k < groups.size(); ++k) groups[k].set_lr(lr_at(options, step) * scale[k]);
  };
  set_rate(0);

  LossSmoother smoother(options.beta);
  double best = 0.0;
  bool diverged = false, stopped = false;
  trainer.callbacks().on_message = say;
  trainer.callbacks().on_batch_end = [&](const BatchStats& b) {
    const int64_t step = int64_t(result.points.size());
    const LrPoint p{lr_at(options, step), b.loss, smoother.add(b.loss)};
    result.points.push_back(p);
    if (options.on_step) options.on_step(p, step + 1);
    if (step == 0 || p.smoothed < best) best = p.smoothed;
    if (best > 0 && p.smoothed > options.diverge_factor * best) {  // losses >= 0: a ratio
      diverged = true;
      result.reason = "the smoothed loss (" + number(p.smoothed) + ") passed " +
                      number(options.diverge_factor) + " times its minimum (" + number(best) +
                      ") at lr " + number(p.lr);
      trainer.request_stop();
    } else if (options.stop && *options.stop) {
      stopped = true;
      result.reason = "stopped after " + std::to_string(step + 1) + " of " +
                      std::to_string(options.steps) + " batches";
      trainer.request_stop();
    }
    if (step + 1 < options.steps) set_rate(step + 1);
  };
  const RunResult run = trainer.run();
  if (run.state == RunState::Failed) {
    if (result.points.empty()) throw LrFindError("lr-find: " + run.reason);
    // The trainer fails a batch whose loss is not finite: past divergence, for the finder.
    diverged = true;
    result.reason = run.reason;
  }
  result.end = diverged ? LrFindEnd::Diverged : stopped ? LrFindEnd::Stopped : LrFindEnd::Completed;
  result.suggestions = suggest_lr(result.points, options.skip_start);
  return result;
}

nlohmann::json to_json(const LrFindResult& r, const LrFindOptions& o) {
  const auto rate = [&](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json();
  };
  nlohmann::json points = nlohmann::json::array();
  for (const LrPoint& p : r.points)
    points.push_back({{"lr", p.lr}, {"loss", p.loss}, {"smoothed", p.smoothed}});
  const LrSuggestions& s = r.suggestions;
  return {{"start_lr", o.start_lr},
          {"end_lr", o.end_lr},
          {"steps", o.steps},
          {"end", to_string(r.end)},
          {"reason", r.reason},
          {"weights", r.weights},
          {"points", points},
          {"steepest", rate(s.steepest_lr)},
          {"minimum", s.minimum ? nlohmann::json(r.points[*s.minimum].lr) : nlohmann::json()},
          {"minimum_tenth", rate(s.minimum_tenth_lr)},
          {"suggested", rate(s.suggested)},
          {"rule", s.rule.empty() ? nlohmann::json() : nlohmann::json(s.rule)}};
}

}  // namespace nw::train
