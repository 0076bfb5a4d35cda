// Optimizers by PyTorch's class names and keyword arguments ({"type": "SGD", "lr": 0.1,
// "momentum": 0.9}): one catalog entry each. The arguments each optimizer knows, and their kinds
// and defaults, come from the optimizer's own defaults (optimizer_entry), so that a new
// hyperparameter needs no change here.
#include <algorithm>
#include <cmath>

#include "catalog/torch_call.h"
#include "io/catalog.h"
#include "io/config_checks.h"
#include "io/json_fields.h"
#include "io/kwargs.h"
#include "optim/adagrad.h"
#include "optim/adam.h"
#include "optim/rmsprop.h"
#include "optim/sgd.h"

namespace nw::io {

namespace {

using json = nlohmann::json;
using optim::Optimizer;
using optim::ParamGroup;
using optim::Value;
using optim::ValueMap;

void add_builtin_optimizers(catalog::Table<OptimizerEntry>& t) {
  const std::pair<std::string, std::string> lr{"lr", "learning rate"},
      weight_decay{"weight_decay", "L2 penalty on the parameters"},
      maximize{"maximize", "ascend the objective instead of descending it"},
      eps{"eps", "added to the denominator for numerical stability"};
  t.add(optimizer_entry(
      "SGD", "Gradient descent", "stochastic gradient descent, with optional (Nesterov) momentum",
      [](auto g) { return std::make_unique<optim::SGD>(std::move(g), optim::SGDOptions{}); },
      {lr,
       {"momentum", "momentum factor"},
       {"dampening", "dampening of the momentum"},
       weight_decay,
       {"nesterov", "Nesterov momentum (needs momentum > 0)"},
       maximize}));
  const std::vector<std::pair<std::string, std::string>> adam_help = {
      lr,
      {"betas", "running-average coefficients of the gradient and of its square"},
      eps,
      weight_decay,
      {"amsgrad", "the AMSGrad variant: keep the largest second moment"},
      maximize};
  t.add(optimizer_entry(
      "Adam", "Adaptive", "adaptive moment estimation",
      [](auto g) { return std::make_unique<optim::Adam>(std::move(g), optim::AdamOptions{}); },
      adam_help));
  t.add(optimizer_entry(
      "AdamW", "Adaptive", "Adam with decoupled weight decay",
      [](auto g) { return std::make_unique<optim::AdamW>(std::move(g), optim::AdamWOptions{}); },
      adam_help));
  t.add(optimizer_entry(
      "RMSprop", "Adaptive", "divides the gradient by a running average of its magnitude",
      [](auto g) {
        return std::make_unique<optim::RMSprop>(std::move(g), optim::RMSpropOptions{});
      },
      {lr,
       {"alpha", "smoothing constant"},
       eps,
       weight_decay,
       {"momentum", "momentum factor"},
       {"centered", "normalize by an estimate of the gradient's variance"},
       maximize}));
  t.add(optimizer_entry(
      "Adagrad", "Adaptive", "per-parameter learning rates from the sum of squared gradients",
      [](auto g) {
        return std::make_unique<optim::Adagrad>(std::move(g), optim::AdagradOptions{});
      },
      {lr,
       {"lr_decay", "learning-rate decay"},
       weight_decay,
       {"initial_accumulator_value", "starting value of the sum of squares"},
       eps,
       maximize}));
}

// The JSON value of an argument that passed its check, as the optimizer's value.
Value to_value(const json& v, const catalog::ArgSpec& a) {
  switch (a.kind) {
    case catalog::ArgKind::Bool:
      return v.get<bool>();
    case catalog::ArgKind::FloatList:
      return v.get<std::vector<double>>();
    case catalog::ArgKind::Choice:
    case catalog::ArgKind::Text:
      return v.get<std::string>();
    default:
      return v.get<double>();
  }
}

// Checks the spec and returns the entry and the options, or nullptr after recording problems.
const OptimizerEntry* read_spec(const json& spec, const std::string& where, ValueMap& options,
                                std::vector<Problem>& problems) {
  using detail::child;
  using detail::shown;
  const std::vector<std::string> names = optimizers().names();
  if (!spec.is_object()) {
    problems.push_back(
        {where,
         "expected an object such as {\"type\": \"Adam\", \"lr\": 0.001}, got " + shown(spec)});
    return nullptr;
  }
  auto t = spec.find("type");
  if (t == spec.end() || !t->is_string()) {
    problems.push_back(
        {child(where, "type"),
         (t == spec.end() ? std::string("missing") : "expected a name, got " + shown(*t)) +
             "; name the optimizer, one of " + detail::join(names)});
    return nullptr;
  }
  const OptimizerEntry* e = optimizers().find(t->get<std::string>());
  if (!e) {
    problems.push_back({child(where, "type"),
                        "unknown optimizer " + detail::in_quotes(t->get<std::string>()) +
                            detail::suggestion(t->get<std::string>(), names, "known ones are")});
    return nullptr;
  }
  std::vector<std::string> known;
  for (const catalog::ArgSpec& a : e->args) known.push_back(a.name);
  const size_t before = problems.size();
  for (auto it = spec.begin(); it != spec.end(); ++it) {
    if (it.key() == "type") continue;
    const std::string at = child(where, it.key());
    const catalog::ArgSpec* a = e->arg(it.key());
    if (!a) {
      problems.push_back({at, e->name + " has no argument '" + it.key() + "'" +
                                  detail::suggestion(it.key(), known, "its arguments are")});
      continue;
    }
    if (std::string wrong = catalog::check_arg(*a, it.value()); !wrong.empty())
      problems.push_back({at, wrong});
    else
      options[it.key()] = to_value(it.value(), *a);
  }
  // SGD, as in PyTorch, has no default learning rate.
  for (const catalog::ArgSpec& a : e->args)
    if (a.required && !spec.contains(a.name))
      problems.push_back({child(where, a.name),
                          a.name == "lr" ? "missing; " + e->name +
                                               " has no default learning rate: add \"lr\": 0.01"
                                         : "missing; " + e->name + " needs " + a.name});
  if (problems.size() != before) return nullptr;
  // The optimizer's own range checks (betas in [0, 1), lr >= 0, nesterov with momentum ...).
  try {
    e->make({ParamGroup{{}, options}});
  } catch (const Error& err) {
    problems.push_back(detail::problem_from_error(where, err.what()));
    return nullptr;
  }
  return e;
}

}  // namespace

namespace detail {

void check_optimizer(const json& spec, const std::string& where, std::vector<Problem>& problems) {
  ValueMap options;
  read_spec(spec, where, options, problems);
}

std::unique_ptr<Optimizer> stand_in_optimizer(const json& spec) {
  std::vector<Problem> ignored;
  ValueMap options;
  const OptimizerEntry* e = read_spec(spec, "training.optimizer", options, ignored);
  return e ? e->make({ParamGroup{{}, options}}) : nullptr;
}

}  // namespace detail

catalog::Table<OptimizerEntry>& optimizers() {
  static catalog::Table<OptimizerEntry>* table = [] {
    auto* t = new catalog::Table<OptimizerEntry>("optimizer");
    add_builtin_optimizers(*t);
    return t;
  }();
  return *table;
}

OptimizerEntry optimizer_entry(std::string name, std::string category, std::string description,
                               OptimizerFactory make,
                               const std::vector<std::pair<std::string, std::string>>& help) {
  OptimizerEntry e;
  e.name = std::move(name);
  e.category = std::move(category);
  e.description = std::move(description);
  // A group with no parameters is enough to read the defaults.
  const ValueMap defaults = make({ParamGroup{{}, {{"lr", 0.01}}}})->defaults();
  for (const auto& [key, value] : defaults) {
    catalog::ArgSpec a{.name = key};
    if (const double* d = std::get_if<double>(&value)) {
      a.kind = catalog::ArgKind::Float;
      if (std::isnan(*d)) {
        a.required = true;
        a.starter = 0.01;
      } else {
        a.default_value = *d;
      }
    } else if (const bool* b = std::get_if<bool>(&value)) {
      a.kind = catalog::ArgKind::Bool;
      a.default_value = *b;
    } else if (const auto* list = std::get_if<std::vector<double>>(&value)) {
      a.kind = catalog::ArgKind::FloatList;
      a.default_value = *list;
    } else {
      a.kind = catalog::ArgKind::Text;
      a.default_value = std::get<std::string>(value);
    }
    for (const auto& [k, text] : help)
      if (k == key) a.description = text;
    e.args.push_back(std::move(a));
  }
  // In the order of `help` (PyTorch's signature), the rest after them.
  auto rank = [&help](const catalog::ArgSpec& a) {
    size_t i = 0;
    while (i < help.size() && help[i].first != a.name) ++i;
    return a.name == "lr" ? 0 : i + 1;
  };
  std::stable_sort(e.args.begin(), e.args.end(),
                   [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  e.make = std::move(make);
  e.torch_code = catalog::torch_call("torch.optim." + e.name, "parameters", e.args, {}, {"lr"});
  return e;
}

std::vector<std::string> optimizer_types() {
  return optimizers().names();
}

std::unique_ptr<Optimizer> make_optimizer(const json& spec, std::vector<Tensor> params) {
  std::vector<Problem> problems;
  ValueMap options;
  const OptimizerEntry* e = read_spec(spec, "training.optimizer", options, problems);
  if (!e) detail::throw_problems(std::move(problems));
  if (params.empty())
    detail::throw_problems({{"training.optimizer",
                             "the network has no trainable parameters to optimize; mark at least "
                             "one node with parameters trainable"}});
  try {
    return e->make({ParamGroup{std::move(params), options}});
  } catch (const Error& err) {
    detail::throw_problems({detail::problem_from_error("training.optimizer", err.what())});
  }
}

}  // namespace nw::io
