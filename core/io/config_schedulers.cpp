// Learning-rate scheduler specs ({"type": "StepLR", "step_size": 10, "gamma": 0.5}), checked
// against their catalog entries (catalog_schedulers.cpp) and built. Parsing builds each one on a
// stand-in optimizer, so that the scheduler's own checks (T_max > 0, pct_start in [0, 1], ...)
// run when the project is loaded.
#include "io/catalog.h"
#include "io/config_checks.h"
#include "io/kwargs.h"
#include "optim/scheduler_plateau.h"

namespace nw::io {

namespace {

using json = nlohmann::json;
using optim::LRScheduler;
using optim::Optimizer;

// From a spec completed with the defaults.
optim::ReduceLROnPlateauOptions plateau_options(const json& s) {
  optim::ReduceLROnPlateauOptions o;
  o.mode = s.at("mode").get<std::string>();
  o.factor = s.at("factor").get<double>();
  o.patience = s.at("patience").get<int64_t>();
  o.threshold = s.at("threshold").get<double>();
  o.threshold_mode = s.at("threshold_mode").get<std::string>();
  o.cooldown = s.at("cooldown").get<int64_t>();
  o.min_lr = detail::numbers_or(s, "min_lr", {});
  o.eps = s.at("eps").get<double>();
  return o;
}

// Checks the spec; returns its entry, or nullptr (null spec, or problems recorded).
const SchedulerEntry* read_spec(const json& spec, const std::string& where,
                                std::vector<Problem>& problems) {
  if (spec.is_null()) return nullptr;
  const size_t before = problems.size();
  const SchedulerEntry* e = detail::check_kwargs(spec, where, "scheduler", schedulers(), problems);
  return problems.size() != before ? nullptr : e;
}

}  // namespace

namespace detail {

void check_scheduler(const json& spec, const std::string& where, const json& optimizer_spec,
                     std::vector<Problem>& problems) {
  const SchedulerEntry* e = read_spec(spec, where, problems);
  if (!e) return;
  std::unique_ptr<Optimizer> stand_in = stand_in_optimizer(optimizer_spec);
  // With a broken optimizer spec (reported on its own), a plain SGD still checks the rest.
  if (!stand_in) stand_in = stand_in_optimizer({{"type", "SGD"}, {"lr", 0.1}});
  try {
    const json complete = complete_spec(spec, *e);
    if (e->make)
      e->make(complete, *stand_in, ScheduleContext{1, 1});
    else
      optim::ReduceLROnPlateau(*stand_in, plateau_options(complete));
  } catch (const ProjectError& err) {
    problems.insert(problems.end(), err.problems.begin(), err.problems.end());
  } catch (const Error& err) {
    problems.push_back(problem_from_error(where, err.what()));
  }
}

}  // namespace detail

std::vector<std::string> scheduler_types() {
  return schedulers().names();
}

bool scheduler_steps_per_batch(const json& spec) {
  if (!spec.is_object() || !spec.contains("type") || !spec["type"].is_string()) return false;
  const SchedulerEntry* e = schedulers().find(spec["type"].get<std::string>());
  return e && e->per_batch;
}

std::unique_ptr<LRScheduler> make_scheduler(const json& spec, Optimizer& optimizer,
                                            const ScheduleContext& ctx) {
  std::vector<Problem> problems;
  const SchedulerEntry* e = read_spec(spec, "training.scheduler", problems);
  if (!problems.empty()) detail::throw_problems(std::move(problems));
  if (!e || !e->make) return nullptr;
  try {
    return e->make(complete_spec(spec, *e), optimizer, ctx);
  } catch (const ProjectError&) {
    throw;
  } catch (const Error& err) {
    detail::throw_problems({detail::problem_from_error("training.scheduler", err.what())});
  }
}

std::unique_ptr<optim::ReduceLROnPlateau> make_plateau(const json& spec, Optimizer& optimizer) {
  std::vector<Problem> problems;
  const SchedulerEntry* e = read_spec(spec, "training.scheduler", problems);
  if (!problems.empty()) detail::throw_problems(std::move(problems));
  if (!e || e->make) return nullptr;
  try {
    return std::make_unique<optim::ReduceLROnPlateau>(optimizer,
                                                      plateau_options(complete_spec(spec, *e)));
  } catch (const Error& err) {
    detail::throw_problems({detail::problem_from_error("training.scheduler", err.what())});
  }
}

}  // namespace nw::io
