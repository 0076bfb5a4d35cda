#pragma once
// The training settings: loss, optimizer and schedule (optimizer_editor.h), batch size, epochs,
// seed, shuffling, device, early stopping and checkpoints. Each committed field emits the whole
// new configuration; the project inspector checks it with the loader's rules and applies it
// as one undo step, or shows why not (show_error) and the document's settings again.
#include <QCheckBox>
#include <QComboBox>
#include <QGroupBox>
#include <QLabel>
#include <QWidget>

#include "inspector/checked_line_edit.h"
#include "inspector/kwargs_form.h"
#include "inspector/nullable_spin_box.h"
#include "inspector/optimizer_editor.h"
#include "io/config.h"

namespace nw::gui {

class TrainingEditor : public QWidget {
  Q_OBJECT

 public:
  explicit TrainingEditor(QWidget* parent = nullptr);

  void set_config(const io::TrainingConfig& config);
  void show_error(const QString& text);
  OptimizerEditor* optimizer_editor() const { return optimizer_; }
  KwargsForm* loss_form() const { return loss_form_; }

 signals:
  void edited(const nw::io::TrainingConfig& config);

 private:
  QWidget* build_run_section();
  QGroupBox* build_stopping_section();
  // A spin box over [min, max] that emits the config changed by `apply` when it is committed.
  NullableSpinBox* int_field(const QString& name, int min, int max,
                             void (*apply)(io::TrainingConfig&, int));
  void propose(io::TrainingConfig next) { emit edited(next); }

  io::TrainingConfig config_;
  QComboBox* loss_;
  KwargsForm* loss_form_;  // the loss's arguments: label_smoothing, class weights, ...
  OptimizerEditor* optimizer_;
  NullableSpinBox* batch_size_;
  NullableSpinBox* epochs_;
  CheckedLineEdit* seed_;
  QCheckBox* shuffle_;
  QComboBox* device_;
  QGroupBox* stopping_;
  QComboBox* monitor_;
  NullableSpinBox* patience_;
  CheckedLineEdit* min_delta_;
  QComboBox* mode_;
  NullableSpinBox* checkpoint_every_;
  NullableSpinBox* keep_last_;
  QLabel* error_;
};

}  // namespace nw::gui
