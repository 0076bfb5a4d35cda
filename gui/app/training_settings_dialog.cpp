#include "app/training_settings_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QSpinBox>

#include <algorithm>
#include <limits>

namespace nw::gui {
namespace {

QSpinBox* spin(int lo, int hi, qint64 value) {
  auto* s = new QSpinBox;
  s->setRange(lo, hi);
  s->setValue(int(std::clamp<qint64>(value, lo, hi)));
  return s;
}

}  // namespace

TrainingSettingsDialog::TrainingSettingsDialog(const io::TrainingConfig& config, QWidget* parent)
    : QDialog(parent), config_(config) {
  setWindowTitle(tr("Training settings"));
  epochs_ = spin(1, 100000, config.epochs);
  batch_size_ = spin(1, 1 << 20, config.batch_size);
  seed_ = spin(0, std::numeric_limits<int>::max(), qint64(config.seed));
  shuffle_ = new QCheckBox(tr("Shuffle the training set every epoch"));
  shuffle_->setChecked(config.shuffle);
  device_ = new QComboBox;
  device_->addItems({"auto", "cpu", "cuda"});
  device_->setCurrentText(QString::fromStdString(config.device));
  lr_ = new QDoubleSpinBox;
  lr_->setDecimals(6);
  lr_->setRange(1e-6, 10.0);
  lr_->setSingleStep(1e-4);
  const auto lr = config.optimizer.find("lr");
  lr_->setEnabled(lr != config.optimizer.end() && lr->is_number());
  if (lr_->isEnabled()) lr_->setValue(lr->get<double>());
  shown_lr_ = lr_->value();
  checkpoint_every_ = spin(0, 100000, config.checkpoint_every);
  checkpoint_every_->setSpecialValueText(tr("only when stopped and at the end"));
  keep_last_ = spin(0, 100000, config.keep_last);
  keep_last_->setSpecialValueText(tr("keep all"));

  auto* form = new QFormLayout(this);
  form->addRow(tr("Epochs:"), epochs_);
  form->addRow(tr("Batch size:"), batch_size_);
  form->addRow(tr("Learning rate:"), lr_);
  form->addRow(tr("Seed:"), seed_);
  form->addRow(QString(), shuffle_);
  form->addRow(tr("Device:"), device_);
  form->addRow(tr("Checkpoint every (epochs):"), checkpoint_every_);
  form->addRow(tr("Checkpoints kept:"), keep_last_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  form->addRow(buttons);
}

io::TrainingConfig TrainingSettingsDialog::config() const {
  io::TrainingConfig c = config_;
  c.epochs = epochs_->value();
  c.batch_size = batch_size_->value();
  c.seed = uint64_t(seed_->value());
  c.shuffle = shuffle_->isChecked();
  c.device = device_->currentText().toStdString();
  // The spin box rounds to 6 decimals: write only a value the user changed.
  if (lr_->isEnabled() && lr_->value() != shown_lr_) c.optimizer["lr"] = lr_->value();
  c.checkpoint_every = checkpoint_every_->value();
  c.keep_last = keep_last_->value();
  return c;
}

}  // namespace nw::gui
