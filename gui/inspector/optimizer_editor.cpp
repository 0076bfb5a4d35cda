#include "inspector/optimizer_editor.h"

#include <QFormLayout>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <map>
#include <variant>

#include "inspector/inspector_style.h"
#include "io/config.h"
#include "optim/optimizer.h"
#include "tensor/creation.h"

namespace nw::gui {

using json = nlohmann::json;

json OptimizerEditor::optimizer_defaults(const std::string& type) {
  static std::map<std::string, json> cache;
  if (auto it = cache.find(type); it != cache.end()) return it->second;
  json out = json::object();
  try {
    // A stand-in parameter is enough to build the optimizer and read its defaults.
    Tensor p = zeros({1});
    p.requires_grad_(true);
    auto opt = io::make_optimizer({{"type", type}, {"lr", 0.01}}, {p});
    for (const auto& [key, value] : opt->defaults())
      std::visit([&out, &key](const auto& v) { out[key] = v; }, value);
  } catch (const std::exception&) {
    // An unknown type shows no hyperparameters; the loader's check names the problem.
  }
  cache[type] = out;
  return out;
}

json OptimizerEditor::scheduler_starter(const std::string& type) {
  // PyTorch's defaults, or a common starting point for the required ones (step_size, T_max).
  // TODO: take the argument table from core once it exposes it (config_schedulers.cpp).
  static const std::map<std::string, json> starters = {
      {"StepLR", {{"step_size", 10}, {"gamma", 0.1}}},
      {"MultiStepLR", {{"milestones", {30, 80}}, {"gamma", 0.1}}},
      {"ExponentialLR", {{"gamma", 0.95}}},
      {"LinearLR", {{"start_factor", 1.0 / 3}, {"end_factor", 1.0}, {"total_iters", 5}}},
      {"CosineAnnealingLR", {{"T_max", 10}, {"eta_min", 0.0}}},
      {"OneCycleLR",
       {{"max_lr", 0.01},
        {"pct_start", 0.3},
        {"anneal_strategy", "cos"},
        {"div_factor", 25.0},
        {"final_div_factor", 1e4},
        {"three_phase", false}}},
      {"ReduceLROnPlateau",
       {{"mode", "min"},
        {"factor", 0.1},
        {"patience", 10},
        {"threshold", 1e-4},
        {"cooldown", 0},
        {"min_lr", 0.0}}},
  };
  auto it = starters.find(type);
  return it == starters.end() ? json::object() : it->second;
}

OptimizerEditor::OptimizerEditor(QWidget* parent)
    : QWidget(parent),
      optimizer_(new QComboBox(this)),
      optimizer_form_(new KwargsForm(QStringLiteral("training.optimizer"), this)),
      scheduler_(new QComboBox(this)),
      scheduler_form_(new KwargsForm(QStringLiteral("training.scheduler"), this)) {
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(0, 0, 0, 0);
  QFormLayout* top = make_form();
  optimizer_->setObjectName(QStringLiteral("training.optimizer.type"));
  for (const std::string& t : io::optimizer_types()) optimizer_->addItem(qstr(t), qstr(t));
  top->addRow(tr("Optimizer"), optimizer_);
  column->addLayout(top);
  column->addWidget(optimizer_form_);
  QFormLayout* mid = make_form();
  scheduler_->setObjectName(QStringLiteral("training.scheduler.type"));
  scheduler_->addItem(tr("None (constant)"), QString());
  for (const std::string& t : io::scheduler_types()) scheduler_->addItem(qstr(t), qstr(t));
  scheduler_->setToolTip(tr("How the learning rate changes during training"));
  mid->addRow(tr("LR schedule"), scheduler_);
  column->addLayout(mid);
  column->addWidget(scheduler_form_);

  connect(optimizer_, &QComboBox::activated, this, &OptimizerEditor::optimizer_chosen);
  connect(scheduler_, &QComboBox::activated, this, &OptimizerEditor::scheduler_chosen);
  connect(optimizer_form_, &KwargsForm::edited, this, [this](const QString&, const json& values) {
    const std::string type = optimizer_spec_.value("type", std::string());
    const json defaults = optimizer_defaults(type);
    json spec = {{"type", type}};
    for (auto it = values.begin(); it != values.end(); ++it)
      if (it.key() == "lr" || optimizer_spec_.contains(it.key()) ||
          defaults.value(it.key(), json()) != it.value())
        spec[it.key()] = it.value();
    emit optimizerEdited(spec);
  });
  connect(scheduler_form_, &KwargsForm::edited, this, [this](const QString&, const json& values) {
    json spec = {{"type", scheduler_spec_.value("type", std::string())}};
    spec.update(values);
    emit schedulerEdited(spec);
  });
}

void OptimizerEditor::set_specs(const json& optimizer, const json& scheduler) {
  optimizer_spec_ = optimizer;
  scheduler_spec_ = scheduler;
  const std::string type = optimizer.is_object() ? optimizer.value("type", std::string()) : "";
  {
    QSignalBlocker block(optimizer_);
    optimizer_->setCurrentIndex(optimizer_->findData(qstr(type)));
  }
  optimizer_form_->set_arguments(optimizer_defaults(type), optimizer);
  const std::string s = scheduler.is_object() ? scheduler.value("type", std::string()) : "";
  {
    QSignalBlocker block(scheduler_);
    scheduler_->setCurrentIndex(std::max(0, scheduler_->findData(qstr(s))));
  }
  scheduler_form_->setVisible(!s.empty());
  scheduler_form_->set_arguments(s.empty() ? json::object() : scheduler_starter(s),
                                 s.empty() ? json::object() : scheduler);
}

void OptimizerEditor::optimizer_chosen(int index) {
  const std::string type = sstr(optimizer_->itemData(index).toString());
  if (type == optimizer_spec_.value("type", std::string())) return;
  // The learning rate carries over (SGD has no default one); the rest start at the defaults.
  json spec = {{"type", type}, {"lr", optimizer_spec_.value("lr", json(0.001))}};
  emit optimizerEdited(spec);
}

void OptimizerEditor::scheduler_chosen(int index) {
  const std::string type = sstr(scheduler_->itemData(index).toString());
  if (type.empty()) {
    emit schedulerEdited(json());
    return;
  }
  if (scheduler_spec_.is_object() && scheduler_spec_.value("type", std::string()) == type) return;
  json spec = {{"type", type}};
  spec.update(scheduler_starter(type));
  emit schedulerEdited(spec);
}

}  // namespace nw::gui
