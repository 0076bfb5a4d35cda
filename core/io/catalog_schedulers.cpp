// The learning-rate schedulers, by PyTorch's class names and keyword arguments ({"type":
// "StepLR", "step_size": 10, "gamma": 0.5}): one catalog entry each, with the scheduler it
// builds. config_schedulers.cpp checks specs against these entries and builds them.
#include <algorithm>
#include <limits>

#include "catalog/torch_call.h"
#include "io/catalog.h"
#include "io/kwargs.h"
#include "optim/scheduler_cosine.h"
#include "optim/scheduler_decay.h"

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

// Arguments the trainer fills from the run when the spec leaves them out (OneCycleLR's epochs
// and steps_per_epoch, unless total_steps is given) take the script's own values.
catalog::TorchCodeWriter run_filled(catalog::TorchCodeWriter call,
                                    const std::vector<ArgSpec>& args) {
  const bool has_run_args = std::any_of(
      args.begin(), args.end(), [](const ArgSpec& a) { return a.name == "steps_per_epoch"; });
  if (!has_run_args) return call;
  return [call](const json& s) {
    catalog::TorchCode c = call(s);
    if (s.contains("total_steps")) return c;
    c.code.pop_back();  // the closing parenthesis
    if (!s.contains("epochs")) c.code += ", epochs=epochs";
    if (!s.contains("steps_per_epoch")) c.code += ", steps_per_epoch=len(train_loader)";
    c.code += ")";
    return c;
  };
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
  e.torch_code = run_filled(
      catalog::torch_call("torch.optim.lr_scheduler." + e.name, "optimizer", e.args), e.args);
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

}  // namespace

catalog::Table<SchedulerEntry>& schedulers() {
  static catalog::Table<SchedulerEntry>* table = [] {
    auto* t = new catalog::Table<SchedulerEntry>("scheduler");
    add_builtin_schedulers(*t);
    return t;
  }();
  return *table;
}

}  // namespace nw::io
