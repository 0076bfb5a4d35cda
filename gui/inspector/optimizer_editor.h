#pragma once
// The optimizer (type and hyperparameters) and the learning-rate scheduler (none, or type and
// arguments) of the training settings. The names, the arguments and their defaults come from
// core's catalog (io::optimizers(), io::schedulers()), so a new one appears here without a
// change; a spec keeps only lr and the arguments set or differing from their defaults, as a
// person would write it.
#include <QComboBox>
#include <QWidget>

#include <nlohmann/json.hpp>

#include "inspector/kwargs_form.h"

namespace nw::gui {

class OptimizerEditor : public QWidget {
  Q_OBJECT

 public:
  explicit OptimizerEditor(QWidget* parent = nullptr);

  void set_specs(const nlohmann::json& optimizer, const nlohmann::json& scheduler);
  QComboBox* optimizer_box() const { return optimizer_; }
  QComboBox* scheduler_box() const { return scheduler_; }
  KwargsForm* optimizer_form() const { return optimizer_form_; }
  KwargsForm* scheduler_form() const { return scheduler_form_; }

 signals:
  void optimizerEdited(const nlohmann::json& spec);
  void schedulerEdited(const nlohmann::json& spec);  // null: none

 private:
  void optimizer_chosen(int index);
  void scheduler_chosen(int index);

  QComboBox* optimizer_;
  KwargsForm* optimizer_form_;
  QComboBox* scheduler_;
  KwargsForm* scheduler_form_;
  nlohmann::json optimizer_spec_;
  nlohmann::json scheduler_spec_;
};

}  // namespace nw::gui
