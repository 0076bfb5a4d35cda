#include "app/lr_finder_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

#include "plots/lr_find_plot.h"
#include "training/lr_find_runner.h"

namespace nw::gui {

namespace {

QString rate_text(std::optional<double> lr) {
  return lr ? QString::number(*lr, 'g', 2) : QStringLiteral("-");
}

}  // namespace

LrFinderDialog::LrFinderDialog(io::Project project, std::shared_ptr<const nn::StateDict> weights,
                               int64_t limit, QWidget* parent)
    : QDialog(parent),
      project_(std::move(project)),
      weights_(std::move(weights)),
      limit_(limit),
      runner_(new LrFindRunner(this)),
      plot_(new LrFindPlot(this)) {
  setWindowTitle(tr("Find Learning Rate"));
  setObjectName("lrFinderDialog");
  const train::LrFindOptions defaults;

  start_from_ = new QComboBox;
  start_from_->setObjectName("lrStartFrom");
  if (weights_) start_from_->addItem(tr("A copy of the last run's weights"), true);
  start_from_->addItem(tr("Fresh weights (seed %1)").arg(project_.training.seed), false);
  start_lr_ = new QLineEdit(QString::number(defaults.start_lr, 'g', 3));
  start_lr_->setObjectName("lrStart");
  end_lr_ = new QLineEdit(QString::number(defaults.end_lr, 'g', 3));
  end_lr_->setObjectName("lrEnd");
  steps_ = new QSpinBox;
  steps_->setObjectName("lrSteps");
  steps_->setRange(10, 10000);
  steps_->setValue(int(defaults.steps));
  steps_->setToolTip(tr("Batches, one learning rate each"));
  auto* form = new QFormLayout;
  form->addRow(tr("Start &from:"), start_from_);
  auto* range = new QHBoxLayout;
  range->addWidget(start_lr_);
  range->addWidget(new QLabel(tr("to")));
  range->addWidget(end_lr_);
  range->addWidget(new QLabel(tr("over")));
  range->addWidget(steps_);
  range->addWidget(new QLabel(tr("batches")));
  form->addRow(tr("Learning rate:"), range);

  progress_ = new QProgressBar;
  progress_->setObjectName("lrProgress");
  status_ = new QLabel(tr("The weights of the project and of its runs are not changed."));
  status_->setObjectName("lrStatus");
  status_->setWordWrap(true);
  rules_ = new QLabel;
  rules_->setObjectName("lrRules");
  rules_->setTextFormat(Qt::RichText);
  plot_->setObjectName("lrPlot");
  plot_->setMinimumSize(560, 320);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
  run_ = buttons->addButton(tr("&Run"), QDialogButtonBox::ActionRole);
  run_->setObjectName("lrRun");
  cancel_ = buttons->addButton(tr("&Cancel"), QDialogButtonBox::ActionRole);
  cancel_->setObjectName("lrCancel");
  cancel_->setToolTip(tr("Stop the sweep after the batch in progress"));
  use_ = buttons->addButton(tr("&Use"), QDialogButtonBox::AcceptRole);
  use_->setObjectName("lrUse");
  use_->setEnabled(false);
  use_->setToolTip(
      tr("Set the optimizer's learning rate (training.optimizer.lr); Edit > Undo "
         "takes it back"));

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(plot_, 1);
  layout->addWidget(rules_);
  layout->addWidget(progress_);
  layout->addWidget(status_);
  layout->addWidget(buttons);

  connect(run_, &QPushButton::clicked, this, &LrFinderDialog::start);
  connect(cancel_, &QPushButton::clicked, this, &LrFinderDialog::cancel);
  connect(use_, &QPushButton::clicked, this, [this] {
    if (!suggested_) return;
    emit useRate(*suggested_);
    accept();
  });
  connect(buttons, &QDialogButtonBox::rejected, this, &LrFinderDialog::reject);
  connect(runner_, &LrFindRunner::pointsArrived, this,
          [this](const QVector<train::LrPoint>& points, qint64 step, qint64 steps) {
            plot_->append(points);
            progress_->setRange(0, int(steps));
            progress_->setValue(int(step));
          });
  connect(runner_, &LrFindRunner::finished, this, &LrFinderDialog::on_finished);
  connect(runner_, &LrFindRunner::failed, this, &LrFinderDialog::on_failed);
  set_running(false);
}

LrFinderDialog::~LrFinderDialog() = default;  // runner_, a child, stops and waits for the sweep

bool LrFinderDialog::running() const {
  return runner_->running();
}

void LrFinderDialog::start() {
  if (running()) return;
  train::LrFindOptions o;
  bool ok_start = false, ok_end = false;
  o.start_lr = start_lr_->text().toDouble(&ok_start);
  o.end_lr = end_lr_->text().toDouble(&ok_end);
  o.steps = steps_->value();
  o.limit = limit_;
  if (!ok_start || !ok_end) {
    status_->setText(tr("Type the learning rates as numbers, such as 1e-7 and 10."));
    return;
  }
  try {
    train::check_options(o);  // the core's message names the option and a value that works
  } catch (const train::LrFindError& e) {
    status_->setText(QString::fromStdString(e.what()));
    return;
  }
  const bool from_last = start_from_->currentData().toBool();
  suggested_.reset();
  plot_->clear_points();
  rules_->clear();
  use_->setText(tr("&Use"));
  progress_->setRange(0, int(o.steps));
  progress_->setValue(0);
  status_->setText(from_last ? tr("Training a copy of the last run's weights...")
                             : tr("Training fresh weights..."));
  runner_->start(project_, o, from_last ? weights_ : nullptr);
  set_running(true);
}

void LrFinderDialog::cancel() {
  runner_->cancel();
}

void LrFinderDialog::reject() {
  runner_->cancel();
  QDialog::reject();
}

void LrFinderDialog::set_running(bool on) {
  run_->setEnabled(!on);
  cancel_->setEnabled(on);
  start_from_->setEnabled(!on);
  use_->setEnabled(!on && suggested_.has_value());
}

void LrFinderDialog::on_finished(const train::LrFindResult& r) {
  plot_->set_result(r);
  // Done, also when it ended early: the status line says after how many batches.
  progress_->setRange(0, std::max<int>(1, int(r.points.size())));
  progress_->setValue(progress_->maximum());
  const train::LrSuggestions& s = r.suggestions;
  if (s.suggested) suggested_ = QString::number(*s.suggested, 'g', 2).toDouble();
  rules_->setText(tr("Steepest descent: <b>%1</b> &nbsp; Minimum/10: <b>%2</b> &nbsp; "
                     "Suggested: <b>%3</b> (%4)")
                      .arg(rate_text(s.steepest_lr), rate_text(s.minimum_tenth_lr),
                           rate_text(suggested_),
                           s.rule.empty() ? tr("none") : QString::fromStdString(s.rule)));
  QString text = tr("%1 batches, %2").arg(r.points.size()).arg(train::to_string(r.end));
  if (!r.reason.empty()) text += ": " + QString::fromStdString(r.reason);
  if (!suggested_) text += tr(". No suggestion: the loss did not fall; widen the range.");
  status_->setText(text);
  if (suggested_) use_->setText(tr("&Use %1").arg(rate_text(suggested_)));
  set_running(false);
  emit sweepEnded();
}

void LrFinderDialog::on_failed(const QString& message) {
  status_->setText(message);
  set_running(false);
  emit sweepEnded();
}

}  // namespace nw::gui
