// Losses by PyTorch's class names and constructor arguments: {"type": "CrossEntropyLoss",
// "label_smoothing": 0.1}.
#include <functional>
#include <stdexcept>

#include "io/config_checks.h"
#include "io/kwargs.h"
#include "nn/layers/loss.h"
#include "tensor/creation.h"

namespace nw::io {

namespace {

using detail::ArgKind;
using detail::ArgSpec;
using json = nlohmann::json;

const ArgSpec kReduction{
    .name = "reduction", .kind = ArgKind::Word, .words = {"mean", "sum", "none"}};
const ArgSpec kWeight{.name = "weight", .kind = ArgKind::Numbers, .min = 0};
const ArgSpec kIgnoreIndex{.name = "ignore_index", .kind = ArgKind::Int};

// Per-class weights as a float32 vector; undefined when not given.
Tensor weights(const json& spec, const std::string& key) {
  const std::vector<double> w = detail::numbers_or(spec, key, {});
  if (w.empty()) return Tensor();
  std::vector<float> f(w.begin(), w.end());
  return from_vector(f, {int64_t(f.size())});
}

nn::Reduction reduction(const json& spec) {
  return nn::reduction_from_string(detail::word_or(spec, "reduction", "mean"));
}

int64_t ignore_index(const json& spec) {
  return detail::int_or(spec, "ignore_index", nn::functional::kIgnoreIndex);
}

struct LossEntry {
  detail::KwargsType type;
  std::function<nn::ModulePtr(const json& spec)> make;
  json defaults;  // one entry per argument of `type`
};

const std::vector<LossEntry>& entries() {
  static const std::vector<LossEntry> e = {
      {{"CrossEntropyLoss",
        {kWeight,
         kIgnoreIndex,
         kReduction,
         {.name = "label_smoothing", .kind = ArgKind::Number, .min = 0, .max = 1}}},
       [](const json& s) -> nn::ModulePtr {
         return std::make_shared<nn::CrossEntropyLoss>(
             weights(s, "weight"), ignore_index(s), reduction(s),
             detail::number_or(s, "label_smoothing", 0.0));
       },
       {{"weight", json::array()},
        {"ignore_index", nn::functional::kIgnoreIndex},
        {"reduction", "mean"},
        {"label_smoothing", 0.0}}},
      {{"NLLLoss", {kWeight, kIgnoreIndex, kReduction}},
       [](const json& s) -> nn::ModulePtr {
         return std::make_shared<nn::NLLLoss>(weights(s, "weight"), ignore_index(s), reduction(s));
       },
       {{"weight", json::array()},
        {"ignore_index", nn::functional::kIgnoreIndex},
        {"reduction", "mean"}}},
      {{"BCELoss", {kWeight, kReduction}},
       [](const json& s) -> nn::ModulePtr {
         return std::make_shared<nn::BCELoss>(weights(s, "weight"), reduction(s));
       },
       {{"weight", json::array()}, {"reduction", "mean"}}},
      {{"BCEWithLogitsLoss",
        {kWeight, kReduction, {.name = "pos_weight", .kind = ArgKind::Numbers, .min = 0}}},
       [](const json& s) -> nn::ModulePtr {
         return std::make_shared<nn::BCEWithLogitsLoss>(weights(s, "weight"), reduction(s),
                                                        weights(s, "pos_weight"));
       },
       {{"weight", json::array()}, {"reduction", "mean"}, {"pos_weight", json::array()}}},
      {{"MSELoss", {kReduction}},
       [](const json& s) -> nn::ModulePtr { return std::make_shared<nn::MSELoss>(reduction(s)); },
       {{"reduction", "mean"}}},
      {{"L1Loss", {kReduction}},
       [](const json& s) -> nn::ModulePtr { return std::make_shared<nn::L1Loss>(reduction(s)); },
       {{"reduction", "mean"}}},
      {{"SmoothL1Loss", {kReduction, {.name = "beta", .kind = ArgKind::Number, .min = 0}}},
       [](const json& s) -> nn::ModulePtr {
         return std::make_shared<nn::SmoothL1Loss>(reduction(s), detail::number_or(s, "beta", 1.0));
       },
       {{"reduction", "mean"}, {"beta", 1.0}}},
  };
  static const bool complete = [] {
    for (const LossEntry& entry : e) {
      bool ok = entry.defaults.size() == entry.type.args.size();
      for (const ArgSpec& arg : entry.type.args) ok = ok && entry.defaults.contains(arg.name);
      if (!ok) throw std::logic_error(entry.type.name + ": every argument needs its default");
    }
    return true;
  }();
  (void)complete;
  return e;
}

const std::vector<detail::KwargsType>& kwargs_types() {
  static const std::vector<detail::KwargsType> types = [] {
    std::vector<detail::KwargsType> t;
    for (const LossEntry& e : entries()) t.push_back(e.type);
    return t;
  }();
  return types;
}

}  // namespace

namespace detail {

void check_loss(const json& spec, const std::string& where, std::vector<Problem>& problems) {
  check_kwargs(spec, where, "loss", kwargs_types(), problems);
}

}  // namespace detail

json loss_defaults(const std::string& type) {
  for (const LossEntry& e : entries())
    if (e.type.name == type) return e.defaults;
  return json::object();
}

std::vector<std::string> loss_types() {
  std::vector<std::string> out;
  for (const LossEntry& e : entries()) out.push_back(e.type.name);
  return out;
}

nn::ModulePtr make_loss(const json& spec) {
  std::vector<Problem> problems;
  const detail::KwargsType* type =
      detail::check_kwargs(spec, "training.loss", "loss", kwargs_types(), problems);
  if (!problems.empty()) detail::throw_problems(std::move(problems));
  for (const LossEntry& e : entries())
    if (e.type.name == type->name) return e.make(spec);
  return nullptr;  // unreachable: check_kwargs accepted the name
}

}  // namespace nw::io
