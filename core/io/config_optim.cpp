// Optimizers by PyTorch's class names and keyword arguments ({"type": "SGD", "lr": 0.1,
// "momentum": 0.9}). The arguments each optimizer knows, and their kinds, come from the
// optimizer's own defaults, so that a new hyperparameter needs no change here.
#include <cmath>
#include <functional>
#include <map>

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

using Maker = std::function<std::unique_ptr<Optimizer>(std::vector<ParamGroup> groups)>;

struct OptimizerEntry {
  std::string name;
  Maker make;  // the groups' options override the optimizer's defaults
};

const std::vector<OptimizerEntry>& entries() {
  static const std::vector<OptimizerEntry> e = {
      {"SGD",
       [](auto g) { return std::make_unique<optim::SGD>(std::move(g), optim::SGDOptions{}); }},
      {"Adam",
       [](auto g) { return std::make_unique<optim::Adam>(std::move(g), optim::AdamOptions{}); }},
      {"AdamW",
       [](auto g) { return std::make_unique<optim::AdamW>(std::move(g), optim::AdamWOptions{}); }},
      {"RMSprop",
       [](auto g) {
         return std::make_unique<optim::RMSprop>(std::move(g), optim::RMSpropOptions{});
       }},
      {"Adagrad",
       [](auto g) {
         return std::make_unique<optim::Adagrad>(std::move(g), optim::AdagradOptions{});
       }},
  };
  return e;
}

const OptimizerEntry* find_entry(const std::string& name) {
  for (const OptimizerEntry& e : entries())
    if (e.name == name) return &e;
  return nullptr;
}

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const OptimizerEntry& e : entries()) out.push_back(e.name);
  return out;
}

// The optimizer's hyperparameters with their default values (their kinds tell what to expect).
// A group with no parameters is enough to read them.
const ValueMap& defaults_of(const OptimizerEntry& e) {
  // Built once, all together, so that threads loading projects at once share it safely.
  static const std::map<std::string, ValueMap> all = [] {
    std::map<std::string, ValueMap> m;
    for (const OptimizerEntry& o : entries())
      m[o.name] = o.make({ParamGroup{{}, {{"lr", 0.01}}}})->defaults();
    return m;
  }();
  return all.at(e.name);
}

const char* kind_text(const Value& v) {
  switch (v.index()) {
    case 0:
      return "a number";
    case 1:
      return "true or false";
    case 2:
      return "a list of numbers";
    default:
      return "a string";
  }
}

// The JSON value as an optimizer value of the same kind as `like`, or nullopt.
std::optional<Value> to_value(const json& v, const Value& like) {
  switch (like.index()) {
    case 0:
      if (v.is_number()) return Value(v.get<double>());
      return std::nullopt;
    case 1:
      if (v.is_boolean()) return Value(v.get<bool>());
      return std::nullopt;
    case 2: {
      if (!v.is_array()) return std::nullopt;
      std::vector<double> out;
      for (const json& e : v) {
        if (!e.is_number()) return std::nullopt;
        out.push_back(e.get<double>());
      }
      return Value(out);
    }
    default:
      if (v.is_string()) return Value(v.get<std::string>());
      return std::nullopt;
  }
}

// Checks the spec and returns the entry and the options, or nullptr after recording problems.
const OptimizerEntry* read_spec(const json& spec, const std::string& where, ValueMap& options,
                                std::vector<Problem>& problems) {
  using detail::child;
  using detail::in_quotes;
  using detail::shown;
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
             "; name the optimizer, one of " + detail::join(names())});
    return nullptr;
  }
  const OptimizerEntry* e = find_entry(t->get<std::string>());
  if (!e) {
    problems.push_back({child(where, "type"),
                        "unknown optimizer " + in_quotes(t->get<std::string>()) +
                            detail::suggestion(t->get<std::string>(), names(), "known ones are")});
    return nullptr;
  }
  const ValueMap& defaults = defaults_of(*e);
  std::vector<std::string> known;
  for (const auto& [k, v] : defaults) known.push_back(k);
  const size_t before = problems.size();
  for (auto it = spec.begin(); it != spec.end(); ++it) {
    if (it.key() == "type") continue;
    const std::string at = child(where, it.key());
    auto d = defaults.find(it.key());
    if (d == defaults.end()) {
      problems.push_back({at, e->name + " has no argument '" + it.key() + "'" +
                                  detail::suggestion(it.key(), known, "its arguments are")});
      continue;
    }
    if (auto v = to_value(it.value(), d->second))
      options[it.key()] = *v;
    else
      problems.push_back(
          {at, std::string("expected ") + kind_text(d->second) + ", got " + shown(it.value())});
  }
  // SGD, as in PyTorch, has no default learning rate (its default is NaN).
  if (auto lr = defaults.find("lr");
      lr != defaults.end() && std::isnan(std::get<double>(lr->second)) && !spec.contains("lr"))
    problems.push_back({child(where, "lr"),
                        "missing; " + e->name + " has no default learning rate: add \"lr\": 0.01"});
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

std::vector<std::string> optimizer_types() {
  return names();
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
