#include "training/training_header.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>

#include <cmath>

namespace nw::gui {

QString format_eta(double seconds) {
  const auto s = static_cast<qint64>(std::llround(std::max(seconds, 0.0)));
  const qint64 h = s / 3600, m = (s / 60) % 60, sec = s % 60;
  if (h > 0)
    return QStringLiteral("%1:%2:%3").arg(h).arg(m, 2, 10, QChar('0')).arg(sec, 2, 10, QChar('0'));
  return QStringLiteral("%1:%2").arg(m).arg(sec, 2, 10, QChar('0'));
}

TrainingHeader::TrainingHeader(QWidget* parent)
    : QWidget(parent), batch_text_(kTextIntervalMs, [this] { write_batch(); }) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(4, 2, 4, 2);
  bar_ = new QProgressBar;
  bar_->setObjectName("trainingProgress");
  bar_->setRange(0, 1000);
  bar_->setValue(0);
  bar_->setFormat(tr("idle"));
  bar_->setTextVisible(true);
  state_ = new QLabel(tr("idle"));
  speed_ = new QLabel;
  eta_ = new QLabel;
  best_ = new QLabel;
  layout->addWidget(state_);
  layout->addWidget(bar_, 1);
  layout->addWidget(speed_);
  layout->addWidget(eta_);
  layout->addWidget(best_);
}

void TrainingHeader::start(int64_t total_epochs) {
  total_epochs_ = total_epochs;
  batch_text_.cancel();
  first_.reset();
  best_value_.reset();
  saved_best_ = false;
  bar_->setValue(0);
  bar_->setFormat(tr("starting"));
  speed_->clear();
  eta_->clear();
  best_->clear();
}

void TrainingHeader::show_saved(const QString& text) {
  start(0);
  bar_->setFormat(text);
  state_->setText(QString::fromUtf8(to_string(TrainingState::Idle)));
}

void TrainingHeader::show_batch(const BatchPoint& p) {
  if (!first_) first_ = p;
  latest_ = p;
  batch_text_.request();
}

void TrainingHeader::write_batch() {
  const BatchPoint& p = latest_;
  const int64_t total_steps = std::max<int64_t>(total_epochs_, p.epoch) * p.batches;
  bar_->setValue(total_steps > 0 ? int(1000 * p.step / total_steps) : 0);
  bar_->setFormat(tr("epoch %1/%2 · batch %3/%4")
                      .arg(p.epoch)
                      .arg(std::max<int64_t>(total_epochs_, p.epoch))
                      .arg(p.batch)
                      .arg(p.batches));
  speed_->setText(tr("%1 samples/s").arg(p.samples_per_second, 0, 'f', 0));
  const int64_t steps = p.step - first_->step;
  if (steps > 0 && p.samples_per_second > 0) {
    const double per_batch = double(p.samples_seen - first_->samples_seen) / double(steps);
    const double left = double(total_steps - p.step) * per_batch / p.samples_per_second;
    eta_->setText(tr("ETA %1").arg(format_eta(left)));
  }
}

void TrainingHeader::show_epoch(const train::EpochStats& e) {
  // When the trainer keeps best.h5 the headline is that epoch, the weights Evaluate loads; once
  // one epoch was marked, later unmarked ones are not better by the trainer's measure.
  if (e.best) {
    saved_best_ = true;
    best_value_.reset();
    const QString figure = e.val_accuracy
                               ? tr("val accuracy %1%").arg(100 * *e.val_accuracy, 0, 'f', 2)
                           : e.val_loss ? tr("val loss %1").arg(*e.val_loss, 0, 'g', 4)
                                        : tr("train loss %1").arg(e.train_loss, 0, 'g', 4);
    best_->setText(tr("best.h5: epoch %1, %2").arg(e.epoch).arg(figure));
    return;
  }
  if (saved_best_) return;
  // No best.h5: validation accuracy when there is one, else validation loss, else training.
  std::optional<double> value = e.val_accuracy ? e.val_accuracy : e.val_loss;
  bool accuracy = e.val_accuracy.has_value();
  const bool validation = value.has_value();
  if (!value) {
    value = e.train_accuracy ? e.train_accuracy : std::optional(e.train_loss);
    accuracy = e.train_accuracy.has_value();
  }
  const bool better = !best_value_ || accuracy != best_is_accuracy_ ||
                      (accuracy ? *value > *best_value_ : *value < *best_value_);
  if (!better) return;
  best_value_ = value;
  best_is_accuracy_ = accuracy;
  const QString what = validation ? (accuracy ? tr("val accuracy") : tr("val loss"))
                                  : (accuracy ? tr("train accuracy") : tr("train loss"));
  best_->setText(tr("best %1 %2 (epoch %3)")
                     .arg(what)
                     .arg(accuracy ? QStringLiteral("%1%").arg(100 * *value, 0, 'f', 2)
                                   : QString::number(*value, 'g', 4))
                     .arg(e.epoch));
}

void TrainingHeader::show_state(TrainingState state) {
  batch_text_.flush();  // a pause shows where the run stopped
  state_->setText(QString::fromUtf8(to_string(state)));
}

void TrainingHeader::show_finished(const train::RunResult& r) {
  batch_text_.flush();
  state_->setText(QString::fromUtf8(train::to_string(r.state)));
  if (r.state == train::RunState::Finished) bar_->setValue(bar_->maximum());
  eta_->clear();
  if (r.state == train::RunState::Failed) bar_->setFormat(tr("failed"));
}

QString TrainingHeader::progress_text() const {
  return bar_->format();
}
QString TrainingHeader::speed_text() const {
  return speed_->text();
}
QString TrainingHeader::eta_text() const {
  return eta_->text();
}
QString TrainingHeader::best_text() const {
  return best_->text();
}

}  // namespace nw::gui
