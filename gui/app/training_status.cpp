#include "app/training_status.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>

#include <algorithm>
#include <cmath>

namespace nw::gui {

QString format_duration(double seconds) {
  const qint64 s = qint64(std::llround(std::max(0.0, seconds)));
  const qint64 h = s / 3600, m = (s / 60) % 60, sec = s % 60;
  if (h > 0)
    return QStringLiteral("%1:%2:%3").arg(h).arg(m, 2, 10, QChar('0')).arg(sec, 2, 10, QChar('0'));
  return QStringLiteral("%1:%2").arg(m).arg(sec, 2, 10, QChar('0'));
}

QString run_started_text(const QString& name, const QString& device) {
  const QString trimmed = name.trimmed();
  return trimmed.isEmpty() ? TrainingStatus::tr("Training on %1").arg(device)
                           : TrainingStatus::tr("Training %1 on %2").arg(trimmed, device);
}

QString run_ended_text(const QString& state, qint64 epochs) {
  QString text = state;
  if (!text.isEmpty()) text[0] = text[0].toUpper();
  return epochs == 1 ? TrainingStatus::tr("%1 after 1 epoch").arg(text)
                     : TrainingStatus::tr("%1 after %2 epochs").arg(text).arg(epochs);
}

TrainingStatus::TrainingStatus(QWidget* parent)
    : QWidget(parent),
      throttle_(kTextIntervalMs, [this] { write_progress(); }),
      progress_(new QLabel),
      bar_(new QProgressBar),
      speed_(new QLabel),
      eta_(new QLabel) {
  setObjectName("trainingStatus");
  bar_->setRange(0, 1000);
  bar_->setTextVisible(false);
  bar_->setMaximumWidth(160);
  bar_->setMaximumHeight(14);
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  for (QWidget* w : std::initializer_list<QWidget*>{progress_, bar_, speed_, eta_})
    layout->addWidget(w);
  clear();
}

void TrainingStatus::set_progress(qint64 epoch, qint64 epochs, qint64 batch, qint64 batches,
                                  double samples_per_second, qint64 batch_size) {
  latest_ = {epoch, epochs, batch, batches, batch_size, samples_per_second};
  throttle_.request();
}

void TrainingStatus::write_progress() {
  const auto [epoch, epochs, batch, batches, batch_size, samples_per_second] = latest_;
  progress_->setText(
      tr("Epoch %1/%2 · batch %3/%4").arg(epoch).arg(epochs).arg(batch).arg(batches));
  const qint64 total = std::max<qint64>(1, epochs * batches);
  const qint64 done = std::clamp<qint64>((epoch - 1) * batches + batch, 0, total);
  bar_->setValue(int(1000 * done / total));
  bar_->show();
  speed_->setText(tr("%1 samples/s").arg(QLocale().toString(samples_per_second, 'f', 0)));
  // Validation passes are not counted: the estimate is a little short, never wildly off.
  if (samples_per_second > 0 && batch_size > 0)
    eta_->setText(tr("ETA %1").arg(
        format_duration(double(total - done) * double(batch_size) / samples_per_second)));
  else
    eta_->clear();
}

void TrainingStatus::set_state(const QString& text) {
  throttle_.flush();  // the last speed stays beside the state
  progress_->setText(text);
  bar_->hide();
  eta_->clear();
}

void TrainingStatus::clear() {
  throttle_.cancel();
  progress_->setText(tr("Not training"));
  bar_->hide();
  bar_->setValue(0);
  speed_->clear();
  eta_->clear();
}

QString TrainingStatus::progress_text() const {
  return progress_->text();
}
QString TrainingStatus::speed_text() const {
  return speed_->text();
}
QString TrainingStatus::eta_text() const {
  return eta_->text();
}

}  // namespace nw::gui
