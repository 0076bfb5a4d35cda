// Learning-rate schedulers by PyTorch's class names and keyword arguments ({"type": "StepLR",
// "step_size": 10, "gamma": 0.5}). Parsing builds each one on a stand-in optimizer, so that the
// scheduler's own checks (T_max > 0, pct_start in [0, 1], ...) run when the project is loaded.
#include <functional>

#include "io/config_checks.h"
#include "io/json_fields.h"
#include "io/kwargs.h"
#include "optim/scheduler_cosine.h"
#include "optim/scheduler_decay.h"
#include "optim/scheduler_plateau.h"

namespace nw::io {

namespace {

using detail::ArgKind;
using detail::ArgSpec;
using json = nlohmann::json;
using optim::LRScheduler;
using optim::Optimizer;

constexpr double kInf = std::numeric_limits<double>::infinity();
const ArgSpec kGamma{.name = "gamma", .kind = ArgKind::Number, .min = 0};

using Maker = std::function<std::unique_ptr<LRScheduler>(const json& spec, Optimizer& opt,
                                                         const ScheduleContext& ctx)>;

struct SchedulerEntry {
  detail::KwargsType type;
  Maker make;  // null for ReduceLROnPlateau, which is no LRScheduler (see make_plateau)
  bool per_batch = false;
};

// OneCycleLR counts batches: total_steps, or epochs * steps_per_epoch, taken from the run when
// the spec leaves them out.
std::unique_ptr<LRScheduler> make_one_cycle(const json& s, Optimizer& opt,
                                            const ScheduleContext& ctx) {
  using namespace detail;
  optim::OneCycleLROptions o;
  o.max_lr = numbers_or(s, "max_lr", {});
  o.total_steps = int_or(s, "total_steps", 0);
  o.epochs = int_or(s, "epochs", ctx.epochs);
  o.steps_per_epoch = int_or(s, "steps_per_epoch", ctx.steps_per_epoch);
  if (o.total_steps == 0 && (o.epochs <= 0 || o.steps_per_epoch <= 0))
    throw_problems({{"training.scheduler",
                     "OneCycleLR needs total_steps, or epochs and steps_per_epoch; set "
                     "\"total_steps\" or let the trainer fill them in from the run"}});
  o.pct_start = number_or(s, "pct_start", o.pct_start);
  o.anneal_strategy = word_or(s, "anneal_strategy", o.anneal_strategy);
  o.cycle_momentum = flag_or(s, "cycle_momentum", o.cycle_momentum);
  o.base_momentum = numbers_or(s, "base_momentum", o.base_momentum);
  o.max_momentum = numbers_or(s, "max_momentum", o.max_momentum);
  o.div_factor = number_or(s, "div_factor", o.div_factor);
  o.final_div_factor = number_or(s, "final_div_factor", o.final_div_factor);
  o.three_phase = flag_or(s, "three_phase", o.three_phase);
  return std::make_unique<optim::OneCycleLR>(opt, o);
}

const std::vector<SchedulerEntry>& entries() {
  using namespace detail;
  static const std::vector<SchedulerEntry> e = {
      {{"StepLR",
        {{.name = "step_size", .kind = ArgKind::Int, .min = 1, .required = true}, kGamma}},
       [](const json& s, Optimizer& o, const ScheduleContext&) -> std::unique_ptr<LRScheduler> {
         return std::make_unique<optim::StepLR>(o, int_or(s, "step_size", 1),
                                                number_or(s, "gamma", 0.1));
       }},
      {{"MultiStepLR",
        {{.name = "milestones", .kind = ArgKind::Ints, .min = 0, .required = true}, kGamma}},
       [](const json& s, Optimizer& o, const ScheduleContext&) -> std::unique_ptr<LRScheduler> {
         return std::make_unique<optim::MultiStepLR>(o, ints_or(s, "milestones", {}),
                                                     number_or(s, "gamma", 0.1));
       }},
      {{"ExponentialLR", {{.name = "gamma", .kind = ArgKind::Number, .min = 0, .required = true}}},
       [](const json& s, Optimizer& o, const ScheduleContext&) -> std::unique_ptr<LRScheduler> {
         return std::make_unique<optim::ExponentialLR>(o, number_or(s, "gamma", 1.0));
       }},
      {{"LinearLR",
        {{.name = "start_factor", .kind = ArgKind::Number, .min = 0, .max = 1},
         {.name = "end_factor", .kind = ArgKind::Number, .min = 0, .max = 1},
         {.name = "total_iters", .kind = ArgKind::Int, .min = 1}}},
       [](const json& s, Optimizer& o, const ScheduleContext&) -> std::unique_ptr<LRScheduler> {
         return std::make_unique<optim::LinearLR>(o, number_or(s, "start_factor", 1.0 / 3),
                                                  number_or(s, "end_factor", 1.0),
                                                  int_or(s, "total_iters", 5));
       }},
      {{"CosineAnnealingLR",
        {{.name = "T_max", .kind = ArgKind::Int, .min = 1, .required = true},
         {.name = "eta_min", .kind = ArgKind::Number, .min = 0}}},
       [](const json& s, Optimizer& o, const ScheduleContext&) -> std::unique_ptr<LRScheduler> {
         return std::make_unique<optim::CosineAnnealingLR>(o, int_or(s, "T_max", 1),
                                                           number_or(s, "eta_min", 0.0));
       }},
      {{"OneCycleLR",
        {{.name = "max_lr", .kind = ArgKind::NumberOrNumbers, .min = 0, .required = true},
         {.name = "total_steps", .kind = ArgKind::Int, .min = 1},
         {.name = "epochs", .kind = ArgKind::Int, .min = 1},
         {.name = "steps_per_epoch", .kind = ArgKind::Int, .min = 1},
         {.name = "pct_start", .kind = ArgKind::Number, .min = 0, .max = 1},
         {.name = "anneal_strategy", .kind = ArgKind::Word, .words = {"cos", "linear"}},
         {.name = "cycle_momentum", .kind = ArgKind::Flag},
         {.name = "base_momentum", .kind = ArgKind::NumberOrNumbers, .min = 0},
         {.name = "max_momentum", .kind = ArgKind::NumberOrNumbers, .min = 0},
         {.name = "div_factor", .kind = ArgKind::Number, .min = 0},
         {.name = "final_div_factor", .kind = ArgKind::Number, .min = 0},
         {.name = "three_phase", .kind = ArgKind::Flag}}},
       make_one_cycle,
       /*per_batch=*/true},
      {{"ReduceLROnPlateau",
        {{.name = "mode", .kind = ArgKind::Word, .words = {"min", "max"}},
         {.name = "factor", .kind = ArgKind::Number, .min = 0, .max = 1},
         {.name = "patience", .kind = ArgKind::Int, .min = 0},
         {.name = "threshold", .kind = ArgKind::Number, .min = 0},
         {.name = "threshold_mode", .kind = ArgKind::Word, .words = {"rel", "abs"}},
         {.name = "cooldown", .kind = ArgKind::Int, .min = 0},
         {.name = "min_lr", .kind = ArgKind::NumberOrNumbers, .min = 0},
         {.name = "eps", .kind = ArgKind::Number, .min = 0, .max = kInf}}},
       nullptr},
  };
  return e;
}

const std::vector<detail::KwargsType>& types() {
  static const std::vector<detail::KwargsType> t = [] {
    std::vector<detail::KwargsType> out;
    for (const SchedulerEntry& e : entries()) out.push_back(e.type);
    return out;
  }();
  return t;
}

const SchedulerEntry* find_entry(const std::string& name) {
  for (const SchedulerEntry& e : entries())
    if (e.type.name == name) return &e;
  return nullptr;
}

optim::ReduceLROnPlateauOptions plateau_options(const json& s) {
  using namespace detail;
  optim::ReduceLROnPlateauOptions o;
  o.mode = word_or(s, "mode", o.mode);
  o.factor = number_or(s, "factor", o.factor);
  o.patience = int_or(s, "patience", o.patience);
  o.threshold = number_or(s, "threshold", o.threshold);
  o.threshold_mode = word_or(s, "threshold_mode", o.threshold_mode);
  o.cooldown = int_or(s, "cooldown", o.cooldown);
  o.min_lr = numbers_or(s, "min_lr", o.min_lr);
  o.eps = number_or(s, "eps", o.eps);
  return o;
}

// Checks the spec; returns its entry, or nullptr (null spec, or problems recorded).
const SchedulerEntry* read_spec(const json& spec, const std::string& where,
                                std::vector<Problem>& problems) {
  if (spec.is_null()) return nullptr;
  const size_t before = problems.size();
  const detail::KwargsType* t = detail::check_kwargs(spec, where, "scheduler", types(), problems);
  if (!t || problems.size() != before) return nullptr;
  return find_entry(t->name);
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
    if (e->make)
      e->make(spec, *stand_in, ScheduleContext{1, 1});
    else
      optim::ReduceLROnPlateau(*stand_in, plateau_options(spec));
  } catch (const ProjectError& err) {
    problems.insert(problems.end(), err.problems.begin(), err.problems.end());
  } catch (const Error& err) {
    problems.push_back(problem_from_error(where, err.what()));
  }
}

}  // namespace detail

std::vector<std::string> scheduler_types() {
  std::vector<std::string> out;
  for (const SchedulerEntry& e : entries()) out.push_back(e.type.name);
  return out;
}

bool scheduler_steps_per_batch(const json& spec) {
  if (!spec.is_object() || !spec.contains("type") || !spec["type"].is_string()) return false;
  const SchedulerEntry* e = find_entry(spec["type"].get<std::string>());
  return e && e->per_batch;
}

std::unique_ptr<LRScheduler> make_scheduler(const json& spec, Optimizer& optimizer,
                                            const ScheduleContext& ctx) {
  std::vector<Problem> problems;
  const SchedulerEntry* e = read_spec(spec, "training.scheduler", problems);
  if (!problems.empty()) detail::throw_problems(std::move(problems));
  if (!e || !e->make) return nullptr;
  try {
    return e->make(spec, optimizer, ctx);
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
    return std::make_unique<optim::ReduceLROnPlateau>(optimizer, plateau_options(spec));
  } catch (const Error& err) {
    detail::throw_problems({detail::problem_from_error("training.scheduler", err.what())});
  }
}

}  // namespace nw::io
