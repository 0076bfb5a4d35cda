#pragma once
// Train > Settings...: the run settings of the project's training section (epochs, batch size,
// seed, shuffle, device, learning rate, checkpoints). Loss, optimizer type and scheduler stay in
// the inspector's project view (or the project file); this dialog covers what one changes
// between runs.
#include <QDialog>

#include "io/config.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace nw::gui {

class TrainingSettingsDialog : public QDialog {
  Q_OBJECT

 public:
  explicit TrainingSettingsDialog(const io::TrainingConfig& config, QWidget* parent = nullptr);
  // The configuration passed in, with the dialog's fields applied.
  io::TrainingConfig config() const;

 private:
  io::TrainingConfig config_;
  QSpinBox* epochs_;
  QSpinBox* batch_size_;
  QSpinBox* seed_;
  QCheckBox* shuffle_;
  QComboBox* device_;
  QDoubleSpinBox* lr_;  // disabled when the optimizer has no "lr"
  double shown_lr_ = 0.0;
  QSpinBox* checkpoint_every_;
  QSpinBox* keep_last_;
};

}  // namespace nw::gui
