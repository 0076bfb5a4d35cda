// Losses by PyTorch's class names and constructor arguments: {"type": "CrossEntropyLoss",
// "label_smoothing": 0.1}. One catalog entry each, with PyTorch's defaults.
#include "catalog/torch_call.h"
#include "io/catalog.h"
#include "io/config_checks.h"
#include "io/kwargs.h"
#include "nn/layers/loss.h"
#include "tensor/creation.h"

namespace nw::io {

namespace {

using catalog::ArgKind;
using catalog::ArgSpec;
using json = nlohmann::json;

const ArgSpec kReduction{.name = "reduction",
                         .kind = ArgKind::Choice,
                         .default_value = "mean",
                         .description = "how the per-sample losses are combined",
                         .choices = {"mean", "sum", "none"}};
const ArgSpec kWeight{.name = "weight",
                      .kind = ArgKind::FloatList,
                      .default_value = json::array(),
                      .description = "a weight per class; empty: all 1",
                      .min = 0};
const ArgSpec kIgnoreIndex{.name = "ignore_index",
                           .kind = ArgKind::Int,
                           .default_value = nn::functional::kIgnoreIndex,
                           .description = "a target value that adds nothing to the loss"};

// Per-class weights as a float32 vector; undefined when empty.
Tensor weights(const json& spec, const std::string& key) {
  const std::vector<double> w = detail::numbers_or(spec, key, {});
  if (w.empty()) return Tensor();
  std::vector<float> f(w.begin(), w.end());
  return from_vector(f, {int64_t(f.size())});
}

nn::Reduction reduction(const json& s) {
  return nn::reduction_from_string(s.at("reduction").get<std::string>());
}

LossEntry loss(std::string name, std::string category, std::string description,
               std::vector<ArgSpec> args, std::function<nn::ModulePtr(const json&)> make) {
  LossEntry e;
  e.name = std::move(name);
  e.category = std::move(category);
  e.description = std::move(description);
  e.args = std::move(args);
  e.make = std::move(make);
  e.torch_code = catalog::torch_call("nn." + e.name, "", e.args, {"weight", "pos_weight"});
  return e;
}

void add_builtin_losses(catalog::Table<LossEntry>& t) {
  t.add(loss("CrossEntropyLoss", "Classification",
             "log-softmax and negative log-likelihood of class scores (logits)",
             {kWeight,
              kIgnoreIndex,
              kReduction,
              {.name = "label_smoothing",
               .kind = ArgKind::Float,
               .default_value = 0.0,
               .description = "share of the target spread over every class",
               .min = 0,
               .max = 1}},
             [](const json& s) -> nn::ModulePtr {
               return std::make_shared<nn::CrossEntropyLoss>(
                   weights(s, "weight"), s.at("ignore_index").get<int64_t>(), reduction(s),
                   s.at("label_smoothing").get<double>());
             }));
  t.add(loss("NLLLoss", "Classification", "negative log-likelihood of log-probabilities",
             {kWeight, kIgnoreIndex, kReduction}, [](const json& s) -> nn::ModulePtr {
               return std::make_shared<nn::NLLLoss>(
                   weights(s, "weight"), s.at("ignore_index").get<int64_t>(), reduction(s));
             }));
  t.add(loss("BCELoss", "Binary", "binary cross-entropy of probabilities in [0, 1]",
             {kWeight, kReduction}, [](const json& s) -> nn::ModulePtr {
               return std::make_shared<nn::BCELoss>(weights(s, "weight"), reduction(s));
             }));
  t.add(loss("BCEWithLogitsLoss", "Binary", "sigmoid and binary cross-entropy of scores (logits)",
             {kWeight,
              kReduction,
              {.name = "pos_weight",
               .kind = ArgKind::FloatList,
               .default_value = json::array(),
               .description = "a weight of positive examples per class; empty: all 1",
               .min = 0}},
             [](const json& s) -> nn::ModulePtr {
               return std::make_shared<nn::BCEWithLogitsLoss>(weights(s, "weight"), reduction(s),
                                                              weights(s, "pos_weight"));
             }));
  t.add(loss(
      "MSELoss", "Regression", "mean squared error", {kReduction},
      [](const json& s) -> nn::ModulePtr { return std::make_shared<nn::MSELoss>(reduction(s)); }));
  t.add(loss(
      "L1Loss", "Regression", "mean absolute error", {kReduction},
      [](const json& s) -> nn::ModulePtr { return std::make_shared<nn::L1Loss>(reduction(s)); }));
  t.add(loss("SmoothL1Loss", "Regression", "squared error below beta, absolute error above",
             {kReduction,
              {.name = "beta",
               .kind = ArgKind::Float,
               .default_value = 1.0,
               .description = "where the loss turns from squared to absolute",
               .min = 0}},
             [](const json& s) -> nn::ModulePtr {
               return std::make_shared<nn::SmoothL1Loss>(reduction(s), s.at("beta").get<double>());
             }));
}

}  // namespace

catalog::Table<LossEntry>& losses() {
  static catalog::Table<LossEntry>* table = [] {
    auto* t = new catalog::Table<LossEntry>("loss");
    add_builtin_losses(*t);
    return t;
  }();
  return *table;
}

namespace detail {

void check_loss(const json& spec, const std::string& where, std::vector<Problem>& problems) {
  check_kwargs(spec, where, "loss", losses(), problems);
}

}  // namespace detail

json loss_defaults(const std::string& type) {
  const LossEntry* e = losses().find(type);
  return e ? complete_spec(json::object(), *e) : json::object();
}

std::vector<std::string> loss_types() {
  return losses().names();
}

nn::ModulePtr make_loss(const json& spec) {
  std::vector<Problem> problems;
  const LossEntry* e = detail::check_kwargs(spec, "training.loss", "loss", losses(), problems);
  if (!problems.empty()) detail::throw_problems(std::move(problems));
  return e->make(complete_spec(spec, *e));
}

}  // namespace nw::io
