#include "inspector/training_editor.h"

#include <QCoreApplication>
#include <QDoubleValidator>
#include <QLocale>
#include <QRegularExpressionValidator>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <climits>

#include "inspector/inspector_style.h"
#include "io/catalog.h"

namespace nw::gui {

using json = nlohmann::json;

namespace {

std::vector<catalog::ArgSpec> loss_args(const std::string& type) {
  const io::LossEntry* e = io::losses().find(type);
  return e ? e->args : std::vector<catalog::ArgSpec>{};
}

}  // namespace

TrainingEditor::TrainingEditor(QWidget* parent)
    : QWidget(parent),
      loss_(make_combo(this)),
      loss_form_(new KwargsForm(QStringLiteral("training.loss"), this)),
      optimizer_(new OptimizerEditor(this)),
      error_(make_error_label(this)) {
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(0, 0, 0, 0);

  QFormLayout* loss_form = make_form();
  loss_->setObjectName(QStringLiteral("training.loss.type"));
  for (const io::LossEntry* e : io::losses().entries()) {
    loss_->addItem(qstr(e->name), qstr(e->name));
    loss_->setItemData(loss_->count() - 1,
                       QCoreApplication::translate("catalog", e->description.c_str()),
                       Qt::ToolTipRole);
  }
  loss_->setToolTip(tr("What training minimizes"));
  loss_form->addRow(tr("Loss"), loss_);
  auto* objective = new QVBoxLayout;
  objective->addLayout(loss_form);
  objective->addWidget(loss_form_);
  objective->addWidget(optimizer_);
  column->addWidget(make_section(tr("Objective"), objective, this));
  column->addWidget(build_run_section());
  column->addWidget(build_stopping_section());
  column->addWidget(error_);

  connect(loss_, &QComboBox::activated, this, [this](int i) {
    const std::string type = sstr(loss_->itemData(i).toString());
    if (config_.loss.value("type", std::string()) == type) return;
    io::TrainingConfig next = config_;
    next.loss = {{"type", type}};  // the old type's arguments may not fit the new one
    propose(next);
  });
  // Written back: what the user set before, and what differs from PyTorch's default.
  connect(loss_form_, &KwargsForm::edited, this, [this](const QString&, const json& values) {
    const std::string type = config_.loss.value("type", std::string());
    io::TrainingConfig next = config_;
    next.loss = KwargsForm::spec_of(type, loss_args(type), config_.loss, values);
    propose(next);
  });
  connect(optimizer_, &OptimizerEditor::optimizerEdited, this, [this](const json& spec) {
    io::TrainingConfig next = config_;
    next.optimizer = spec;
    propose(next);
  });
  connect(optimizer_, &OptimizerEditor::schedulerEdited, this, [this](const json& spec) {
    io::TrainingConfig next = config_;
    next.scheduler = spec;
    propose(next);
  });
}

NullableSpinBox* TrainingEditor::int_field(const QString& name, int min, int max,
                                           void (*apply)(io::TrainingConfig&, int)) {
  auto* spin = new NullableSpinBox(this);
  spin->setObjectName(name);
  spin->setRange(min, max);
  connect(spin, &QSpinBox::valueChanged, this, [this, spin, apply](int v) {
    spin->clear_typed();
    io::TrainingConfig next = config_;
    apply(next, v);
    propose(next);
  });
  return spin;
}

QWidget* TrainingEditor::build_run_section() {
  QFormLayout* form = make_form();
  batch_size_ = int_field(QStringLiteral("training.batch_size"), 1, 1 << 20,
                          [](io::TrainingConfig& c, int v) { c.batch_size = v; });
  batch_size_->setToolTip(tr("Samples per optimizer step"));
  epochs_ = int_field(QStringLiteral("training.epochs"), 1, 1000000,
                      [](io::TrainingConfig& c, int v) { c.epochs = v; });
  epochs_->setToolTip(tr("Passes over the training data"));
  seed_ = new CheckedLineEdit(this);
  seed_->setObjectName(QStringLiteral("training.seed"));
  seed_->setValidator(
      new QRegularExpressionValidator(QRegularExpression(QStringLiteral(R"(\d{1,19})")), seed_));
  seed_->setToolTip(
      tr("Seeds initialization, shuffling and the validation split: the same "
         "seed gives the same run"));
  shuffle_ = new QCheckBox(tr("Shuffle the training samples each epoch"), this);
  shuffle_->setObjectName(QStringLiteral("training.shuffle"));
  device_ = make_combo(this);
  device_->setObjectName(QStringLiteral("training.device"));
  for (const io::DeviceChoice& d : io::device_choices())
    device_->addItem(QString::fromStdString(d.label), QString::fromStdString(d.name));
  checkpoint_every_ = int_field(QStringLiteral("training.checkpoint_every"), 0, 1000000,
                                [](io::TrainingConfig& c, int v) { c.checkpoint_every = v; });
  checkpoint_every_->setSpecialValueText(tr("only at the end"));
  checkpoint_every_->setSuffix(tr(" epochs"));
  keep_last_ = int_field(QStringLiteral("training.keep_last"), 0, 1000000,
                         [](io::TrainingConfig& c, int v) { c.keep_last = v; });
  keep_last_->setSpecialValueText(tr("all"));
  keep_last_->setToolTip(tr("Checkpoints kept besides the best one"));

  form->addRow(tr("Batch size"), batch_size_);
  form->addRow(tr("Epochs"), epochs_);
  form->addRow(tr("Seed"), seed_);
  form->addRow(QString(), shuffle_);
  form->addRow(tr("Device"), device_);
  form->addRow(tr("Checkpoint every"), checkpoint_every_);
  form->addRow(tr("Keep last"), keep_last_);

  connect(seed_, &CheckedLineEdit::committed, this, [this](const QString& t) {
    io::TrainingConfig next = config_;
    next.seed = t.toULongLong();
    propose(next);
  });
  connect(shuffle_, &QCheckBox::toggled, this, [this](bool on) {
    io::TrainingConfig next = config_;
    next.shuffle = on;
    propose(next);
  });
  connect(device_, &QComboBox::activated, this, [this](int i) {
    io::TrainingConfig next = config_;
    next.device = sstr(device_->itemData(i).toString());
    propose(next);
  });
  return make_section(tr("Run"), form, this);
}

QGroupBox* TrainingEditor::build_stopping_section() {
  QFormLayout* form = make_form();
  stopping_ = make_section(tr("Early stopping"), form, this);
  stopping_->setObjectName(QStringLiteral("training.early_stopping"));
  stopping_->setCheckable(true);
  stopping_->setToolTip(tr("Stop when the watched metric has not improved for a while"));
  monitor_ = make_combo(stopping_);
  monitor_->setObjectName(QStringLiteral("training.early_stopping.monitor"));
  for (const char* m : {"val_loss", "val_accuracy", "train_loss", "train_accuracy"})
    monitor_->addItem(QLatin1String(m), QLatin1String(m));
  patience_ = int_field(QStringLiteral("training.early_stopping.patience"), 0, 1000000,
                        [](io::TrainingConfig& c, int v) {
                          if (c.early_stopping) c.early_stopping->patience = v;
                        });
  patience_->setSuffix(tr(" epochs"));
  min_delta_ = new CheckedLineEdit(stopping_);
  min_delta_->setObjectName(QStringLiteral("training.early_stopping.min_delta"));
  auto* v = new QDoubleValidator(0, 1e300, 12, min_delta_);
  v->setNotation(QDoubleValidator::ScientificNotation);
  v->setLocale(QLocale::c());
  min_delta_->setValidator(v);
  min_delta_->setToolTip(tr("Smallest change that counts as an improvement"));
  mode_ = make_combo(stopping_);
  mode_->setObjectName(QStringLiteral("training.early_stopping.mode"));
  mode_->addItem(tr("From the metric (loss: min, accuracy: max)"), QString());
  mode_->addItem(tr("min"), QStringLiteral("min"));
  mode_->addItem(tr("max"), QStringLiteral("max"));
  form->addRow(tr("Monitor"), monitor_);
  form->addRow(tr("Patience"), patience_);
  form->addRow(tr("Min delta"), min_delta_);
  form->addRow(tr("Mode"), mode_);

  connect(stopping_, &QGroupBox::toggled, this, [this](bool on) {
    io::TrainingConfig next = config_;
    if (on)
      next.early_stopping.emplace();
    else
      next.early_stopping.reset();
    propose(next);
  });
  connect(monitor_, &QComboBox::activated, this, [this](int i) {
    io::TrainingConfig next = config_;
    if (next.early_stopping) next.early_stopping->monitor = sstr(monitor_->itemData(i).toString());
    propose(next);
  });
  connect(min_delta_, &CheckedLineEdit::committed, this, [this](const QString& t) {
    io::TrainingConfig next = config_;
    if (next.early_stopping) next.early_stopping->min_delta = QLocale::c().toDouble(t);
    propose(next);
  });
  connect(mode_, &QComboBox::activated, this, [this](int i) {
    io::TrainingConfig next = config_;
    if (next.early_stopping) next.early_stopping->mode = sstr(mode_->itemData(i).toString());
    propose(next);
  });
  return stopping_;
}

void TrainingEditor::set_config(const io::TrainingConfig& c) {
  config_ = c;
  auto set_combo = [](QComboBox* box, const QString& data) {
    QSignalBlocker block(box);
    box->setCurrentIndex(std::max(0, box->findData(data)));
  };
  auto set_spin = [](NullableSpinBox* spin, int64_t v) {
    if (user_typing(spin)) return;
    QSignalBlocker block(spin);
    spin->show_int(static_cast<int>(std::clamp<int64_t>(v, INT_MIN, INT_MAX)));
  };
  const std::string loss = c.loss.value("type", std::string());
  set_combo(loss_, qstr(loss));
  loss_form_->set_arguments(loss_args(loss), c.loss);
  optimizer_->set_specs(c.optimizer, c.scheduler);
  set_spin(batch_size_, c.batch_size);
  set_spin(epochs_, c.epochs);
  seed_->set_committed_text(QString::number(c.seed));
  {
    QSignalBlocker block(shuffle_);
    shuffle_->setChecked(c.shuffle);
  }
  set_combo(device_, qstr(c.device));
  set_spin(checkpoint_every_, c.checkpoint_every);
  set_spin(keep_last_, c.keep_last);
  {
    QSignalBlocker block(stopping_);
    stopping_->setChecked(c.early_stopping.has_value());
  }
  const io::EarlyStopping es = c.early_stopping.value_or(io::EarlyStopping{});
  set_combo(monitor_, qstr(es.monitor));
  set_spin(patience_, es.patience);
  min_delta_->set_committed_text(number_text(es.min_delta));
  set_combo(mode_, qstr(es.mode));
}

void TrainingEditor::show_error(const QString& text) {
  show_message(error_, text);
}

}  // namespace nw::gui
