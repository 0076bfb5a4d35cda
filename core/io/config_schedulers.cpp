// Learning-rate schedulers by PyTorch's class names and keyword arguments ({"type": "StepLR",
// "step_size": 10, "gamma": 0.5}), one catalog entry each. Parsing builds each one on a stand-in
// optimizer, so that the scheduler's own checks (T_max > 0, pct_start in [0, 1], ...) run when the
// project is loaded.
#include <limits>

#include "io/catalog.h"
#include "io/config_checks.h"
#include "io/json_fields.h"
#include "io/kwargs.h"
#include "optim/scheduler_cosine.h"
#include "optim/scheduler_decay.h"
#include "optim/scheduler_plateau.h"

namespace nw::io {

namespace {

using catalog::ArgKind;
using catalog::ArgSpec;
using json = nlohmann::json;
using optim::LRScheduler;
using optim::Optimizer;

ArgSpec gamma(json def) {
  return {.name = "gamma",
          .kind = ArgKind::Float,
          .default_value = def,
          .description = "factor of each decay",
          .min = 0,
          .required = def.is_null(),
          .starter = def.is_null() ? json(0.95) : json()};
}

ArgSpec positive_int(std::string name, json def, std::string description) {
  const bool required = def.is_null();
  return {.name = std::move(name),
          .kind = ArgKind::Int,
          .default_value = std::move(def),
          .description = std::move(description),
          .min = 1,
          .required = required};
}

ArgSpec number(std::string name, json def, std::string description, double min = 0,
               double max = std::numeric_limits<double>::infinity()) {
  return {.name = std::move(name),
          .kind = ArgKind::Float,
          .default_value = std::move(def),
          .description = std::move(description),
          .min = min,
          .max = max};
}

SchedulerEntry scheduler(std::string name, std::string category, std::string description,
                         std::vector<ArgSpec> args, SchedulerFactory make, bool per_batch = false) {
  SchedulerEntry e;
  e.name = std::move(name);
  e.category = std::move(category);
  e.description = std::move(description);
  e.args = std::move(args);
  e.make = std::move(make);
  e.per_batch = per_batch;
  return e;
}

int64_t int_of(const json& s, const std::string& key) {
  return detail::int_or(s, key, 0);
}
double number_of(const json& s, const std::string& key) {
  return s.at(key).get<double>();
}

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
  o.pct_start = number_of(s, "pct_start");
  o.anneal_strategy = s.at("anneal_strategy").get<std::string>();
  o.cycle_momentum = s.at("cycle_momentum").get<bool>();
  o.base_momentum = numbers_or(s, "base_momentum", {});
  o.max_momentum = numbers_or(s, "max_momentum", {});
  o.div_factor = number_of(s, "div_factor");
  o.final_div_factor = number_of(s, "final_div_factor");
  o.three_phase = s.at("three_phase").get<bool>();
  return std::make_unique<optim::OneCycleLR>(opt, o);
}

void add_builtin_schedulers(catalog::Table<SchedulerEntry>& t) {
  t.add(scheduler(
      "StepLR", "Decay", "multiplies the learning rate by gamma every step_size epochs",
      {[] {
         ArgSpec a = positive_int("step_size", nullptr, "epochs between two decays");
         a.starter = 10;
         return a;
       }(),
       gamma(0.1)},
      [](const json& s, Optimizer& o, const ScheduleContext&) -> std::unique_ptr<LRScheduler> {
        return std::make_unique<optim::StepLR>(o, int_of(s, "step_size"), number_of(s, "gamma"));
      }));
  t.add(scheduler(
      "MultiStepLR", "Decay", "multiplies the learning rate by gamma at each milestone epoch",
      {{.name = "milestones",
        .kind = ArgKind::IntList,
        .description = "the epochs at which to decay, increasing",
        .min = 0,
        .required = true,
        .starter = {30, 80}},
       gamma(0.1)},
      [](const json& s, Optimizer& o, const ScheduleContext&) -> std::unique_ptr<LRScheduler> {
        return std::make_unique<optim::MultiStepLR>(o, detail::ints_or(s, "milestones", {}),
                                                    number_of(s, "gamma"));
      }));
  t.add(scheduler(
      "ExponentialLR", "Decay", "multiplies the learning rate by gamma every epoch",
      {gamma(nullptr)},
      [](const json& s, Optimizer& o, const ScheduleContext&) -> std::unique_ptr<LRScheduler> {
        return std::make_unique<optim::ExponentialLR>(o, number_of(s, "gamma"));
      }));
  t.add(scheduler(
      "LinearLR", "Warm-up", "changes the learning rate's factor linearly over total_iters epochs",
      {number("start_factor", 1.0 / 3, "factor of the first epoch", 0, 1),
       number("end_factor", 1.0, "factor from total_iters on", 0, 1),
       positive_int("total_iters", 5, "epochs until end_factor is reached")},
      [](const json& s, Optimizer& o, const ScheduleContext&) -> std::unique_ptr<LRScheduler> {
        return std::make_unique<optim::LinearLR>(
            o, number_of(s, "start_factor"), number_of(s, "end_factor"), int_of(s, "total_iters"));
      }));
  t.add(scheduler(
      "CosineAnnealingLR", "Cyclic", "anneals the learning rate to eta_min along a cosine",
      {[] {
         ArgSpec a = positive_int("T_max", nullptr, "epochs of one half cosine");
         a.starter = 10;
         return a;
       }(),
       number("eta_min", 0.0, "the lowest learning rate")},
      [](const json& s, Optimizer& o, const ScheduleContext&) -> std::unique_ptr<LRScheduler> {
        return std::make_unique<optim::CosineAnnealingLR>(o, int_of(s, "T_max"),
                                                          number_of(s, "eta_min"));
      }));
  t.add(scheduler(
      "OneCycleLR", "Cyclic", "the 1cycle policy: up to max_lr, then down, once per run",
      {{.name = "max_lr",
        .kind = ArgKind::FloatOrList,
        .description = "the peak learning rate, or one per parameter group",
        .min = 0,
        .required = true,
        .starter = 0.01},
       {.name = "total_steps",
        .kind = ArgKind::Int,
        .description = "batches in the cycle",
        .min = 1,
        .placeholder = "epochs x steps_per_epoch"},
       {.name = "epochs",
        .kind = ArgKind::Int,
        .description = "epochs in the cycle",
        .min = 1,
        .placeholder = "the run's"},
       {.name = "steps_per_epoch",
        .kind = ArgKind::Int,
        .description = "batches per epoch",
        .min = 1,
        .placeholder = "the run's"},
       number("pct_start", 0.3, "share of the cycle spent raising the learning rate", 0, 1),
       {.name = "anneal_strategy",
        .kind = ArgKind::Choice,
        .default_value = "cos",
        .description = "the shape of each phase",
        .choices = {"cos", "linear"}},
       {.name = "cycle_momentum",
        .kind = ArgKind::Bool,
        .default_value = true,
        .description = "cycle the momentum inversely to the learning rate"},
       {.name = "base_momentum",
        .kind = ArgKind::FloatOrList,
        .default_value = 0.85,
        .description = "the lowest momentum",
        .min = 0},
       {.name = "max_momentum",
        .kind = ArgKind::FloatOrList,
        .default_value = 0.95,
        .description = "the highest momentum",
        .min = 0},
       number("div_factor", 25.0, "initial learning rate = max_lr / div_factor"),
       number("final_div_factor", 1e4, "final learning rate = initial / final_div_factor"),
       {.name = "three_phase",
        .kind = ArgKind::Bool,
        .default_value = false,
        .description = "a third phase down to the final learning rate"}},
      make_one_cycle, /*per_batch=*/true));
  t.add(scheduler("ReduceLROnPlateau", "Adaptive",
                  "multiplies the learning rate by factor when the watched metric stops improving",
                  {{.name = "mode",
                    .kind = ArgKind::Choice,
                    .default_value = "min",
                    .description = "min: lower is better (a loss); max: higher is (an accuracy)",
                    .choices = {"min", "max"}},
                   number("factor", 0.1, "new learning rate = learning rate x factor", 0, 1),
                   {.name = "patience",
                    .kind = ArgKind::Int,
                    .default_value = 10,
                    .description = "epochs without improvement before a reduction",
                    .min = 0},
                   number("threshold", 1e-4, "the least change that counts as improvement"),
                   {.name = "threshold_mode",
                    .kind = ArgKind::Choice,
                    .default_value = "rel",
                    .description = "threshold relative to the best value, or absolute",
                    .choices = {"rel", "abs"}},
                   {.name = "cooldown",
                    .kind = ArgKind::Int,
                    .default_value = 0,
                    .description = "epochs to wait after a reduction",
                    .min = 0},
                   {.name = "min_lr",
                    .kind = ArgKind::FloatOrList,
                    .default_value = 0.0,
                    .description = "the lowest learning rate, or one per parameter group",
                    .min = 0},
                   number("eps", 1e-8, "a smaller reduction is skipped")},
                  nullptr));
}

// From a spec completed with the defaults.
optim::ReduceLROnPlateauOptions plateau_options(const json& s) {
  optim::ReduceLROnPlateauOptions o;
  o.mode = s.at("mode").get<std::string>();
  o.factor = number_of(s, "factor");
  o.patience = int_of(s, "patience");
  o.threshold = number_of(s, "threshold");
  o.threshold_mode = s.at("threshold_mode").get<std::string>();
  o.cooldown = int_of(s, "cooldown");
  o.min_lr = detail::numbers_or(s, "min_lr", {});
  o.eps = number_of(s, "eps");
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

catalog::Table<SchedulerEntry>& schedulers() {
  static catalog::Table<SchedulerEntry>* table = [] {
    auto* t = new catalog::Table<SchedulerEntry>("scheduler");
    add_builtin_schedulers(*t);
    return t;
  }();
  return *table;
}

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
