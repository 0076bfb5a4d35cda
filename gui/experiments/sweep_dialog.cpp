#include "experiments/sweep_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

#include "io/atomic_file.h"
#include "tensor/errors.h"
#include "train/run_record.h"

namespace nw::gui {

namespace {

enum Column { kSetting, kWhere, kNow, kValues, kLog, kColumns };

nlohmann::json number_or_word(const QString& token) {
  bool ok = false;
  const double v = token.toDouble(&ok);
  if (!ok) return token.toStdString();
  if (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 1e15 && !token.contains('.') &&
      !token.contains('e', Qt::CaseInsensitive))
    return int64_t(v);
  return v;
}

}  // namespace

ParsedValues parse_values(const std::string& setting, const QString& text, bool log) {
  ParsedValues out;
  const QString t = text.trimmed();
  if (t.isEmpty())
    throw Error(setting + ": no values; write a list (0.001, 0.01) or a range (1e-4 .. 1e-1)");
  if (t.contains(QStringLiteral(".."))) {
    const QStringList ends = t.split(QStringLiteral(".."));
    bool ok_low = false, ok_high = false;
    const double low = ends.value(0).trimmed().toDouble(&ok_low);
    const double high = ends.size() == 2 ? ends[1].trimmed().toDouble(&ok_high) : 0.0;
    if (!ok_low || !ok_high)
      throw Error(setting + ": \"" + t.toStdString() +
                  "\" is not a range; write it as MIN .. MAX, e.g. 1e-4 .. 1e-1");
    out.range = train::SweepRange{low, high, log};
    return out;
  }
  for (const QString& token : t.split(',', Qt::SkipEmptyParts)) {
    const QString v = token.trimmed();
    if (v.isEmpty()) continue;
    out.values.push_back(number_or_word(v));
  }
  if (out.values.empty())
    throw Error(setting + ": no values; write a list (0.001, 0.01) or a range (1e-4 .. 1e-1)");
  return out;
}

SweepDialog::SweepDialog(const io::Project& project, FileDialogs files, int max_parallel,
                         QWidget* parent)
    : QDialog(parent), project_(project), files_(std::move(files)) {
  setObjectName("sweepDialog");
  setWindowTitle(tr("Sweep"));
  settings_ = train::tunable_settings(project_);

  table_ = new QTableWidget(0, kColumns);
  table_->setObjectName("sweepSettings");
  table_->setHorizontalHeaderLabels(
      {tr("Setting"), tr("Where"), tr("Now"), tr("Values or range"), tr("Log")});
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setSectionResizeMode(kValues, QHeaderView::Stretch);
  fill_table();

  method_ = new QComboBox;
  method_->addItem(tr("Grid: every combination"), "grid");
  method_->addItem(tr("Random: draws from values or ranges"), "random");
  trials_ = new QSpinBox;
  trials_->setRange(0, 1000);
  trials_->setSpecialValueText(tr("all combinations"));
  trials_->setToolTip(tr("Random: how many trials. Grid: the first N combinations (0: all)"));
  max_epochs_ = new QSpinBox;
  max_epochs_->setRange(1, 100000);
  max_epochs_->setValue(int(std::max<int64_t>(project_.training.epochs, 1)));
  halving_ = new QCheckBox(tr("Successive halving: stop the worse trials early"));
  halving_->setObjectName("halving");
  min_epochs_ = new QSpinBox;
  min_epochs_->setRange(1, 100000);
  min_epochs_->setValue(1);
  min_epochs_->setToolTip(tr("Epochs every trial trains before the first comparison"));
  eta_ = new QSpinBox;
  eta_->setRange(2, 10);
  eta_->setValue(2);
  eta_->setToolTip(tr("At each rung the best 1/eta of the trials go on"));
  parallel_ = new QSpinBox;
  parallel_->setRange(1, std::max(1, max_parallel));
  parallel_->setToolTip(max_parallel > 1
                            ? tr("Trials trained at once, the cores split between them")
                            : tr("One trial at a time: netwright-cli, which runs "
                                 "trials side by side, is not beside the application"));
  metric_ = new QComboBox;
  for (const char* m : {"val_loss", "val_accuracy", "train_loss", "train_accuracy"})
    metric_->addItem(QString::fromLatin1(m), QString::fromLatin1(m));
  name_ = new QLineEdit(QStringLiteral("sweep"));
  name_->setToolTip(tr("The trials' folders are named <time>-<name>-t01, -t02, ..."));

  auto* halving_row = new QHBoxLayout;
  halving_row->addWidget(halving_);
  halving_row->addWidget(new QLabel(tr("first rung")));
  halving_row->addWidget(min_epochs_);
  halving_row->addWidget(new QLabel(tr("eta")));
  halving_row->addWidget(eta_);
  halving_row->addStretch(1);
  auto* form = new QFormLayout;
  form->addRow(tr("Search"), method_);
  form->addRow(tr("Trials"), trials_);
  form->addRow(tr("Epochs per trial"), max_epochs_);
  form->addRow(QString(), halving_row);
  form->addRow(tr("Trials at once"), parallel_);
  form->addRow(tr("Metric"), metric_);
  form->addRow(tr("Name"), name_);

  problem_ = new QLabel;
  problem_->setObjectName("sweepProblem");
  problem_->setWordWrap(true);
  problem_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  problem_->setStyleSheet(QStringLiteral("color: #c0392b"));
  problem_->hide();

  auto* buttons = new QDialogButtonBox;
  run_ = buttons->addButton(tr("Run Sweep"), QDialogButtonBox::AcceptRole);
  run_->setObjectName("runSweep");
  QPushButton* save = buttons->addButton(tr("Save Sweep..."), QDialogButtonBox::ActionRole);
  save->setObjectName("saveSweep");
  buttons->addButton(QDialogButtonBox::Cancel);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(run_, &QPushButton::clicked, this, [this] {
    if (auto s = spec()) {
      emit runRequested(*s);
      accept();
    }
  });
  connect(save, &QPushButton::clicked, this, &SweepDialog::save);
  connect(method_, &QComboBox::currentIndexChanged, this, &SweepDialog::update_enabled);
  connect(halving_, &QCheckBox::toggled, this, &SweepDialog::update_enabled);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(tr("Tick the settings to sweep and give each its values:")));
  layout->addWidget(table_, 1);
  layout->addLayout(form);
  layout->addWidget(problem_);
  layout->addWidget(buttons);
  resize(760, 620);
  update_enabled();
}

void SweepDialog::fill_table() {
  table_->setRowCount(int(settings_.size()));
  for (int r = 0; r < int(settings_.size()); ++r) {
    const train::TunableSetting& s = settings_[size_t(r)];
    auto* name = new QTableWidgetItem(QString::fromStdString(s.name));
    name->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
    name->setCheckState(Qt::Unchecked);
    name->setToolTip(QString::fromStdString(s.path + ": " + s.description));
    auto* where = new QTableWidgetItem(QString::fromStdString(s.group));
    where->setFlags(Qt::ItemIsEnabled);
    auto* now = new QTableWidgetItem(QString::fromStdString(train::setting_text(s.current)));
    now->setFlags(Qt::ItemIsEnabled);
    auto* values = new QTableWidgetItem;
    values->setToolTip(s.kind.numeric
                           ? tr("A list (0.001, 0.01, 0.1) or, for a random search, a range "
                                "(1e-4 .. 1e-1)")
                           : tr("A list of words: %1").arg(QString::fromStdString([&] {
                               std::string all;
                               for (const std::string& c : s.choices)
                                 all += (all.empty() ? "" : ", ") + c;
                               return all;
                             }())));
    auto* log = new QTableWidgetItem;
    log->setFlags(s.kind.numeric ? Qt::ItemIsEnabled | Qt::ItemIsUserCheckable : Qt::NoItemFlags);
    if (s.kind.numeric) log->setCheckState(s.log_scale ? Qt::Checked : Qt::Unchecked);
    table_->setItem(r, kSetting, name);
    table_->setItem(r, kWhere, where);
    table_->setItem(r, kNow, now);
    table_->setItem(r, kValues, values);
    table_->setItem(r, kLog, log);
  }
}

bool SweepDialog::choose(const std::string& path, const QString& values, bool log) {
  for (int r = 0; r < int(settings_.size()); ++r) {
    if (settings_[size_t(r)].path != path) continue;
    table_->item(r, kSetting)->setCheckState(Qt::Checked);
    table_->item(r, kValues)->setText(values);
    if (settings_[size_t(r)].kind.numeric)
      table_->item(r, kLog)->setCheckState(log ? Qt::Checked : Qt::Unchecked);
    return true;
  }
  return false;
}

void SweepDialog::update_enabled() {
  const bool random = method_->currentData().toString() == "random";
  trials_->setMinimum(random ? 1 : 0);
  trials_->setSpecialValueText(random ? QString() : tr("all combinations"));
  min_epochs_->setEnabled(halving_->isChecked());
  eta_->setEnabled(halving_->isChecked());
}

std::optional<train::SweepSpec> SweepDialog::spec(QString* why) {
  train::SweepSpec s;
  s.name = name_->text().trimmed().toStdString();
  s.method = method_->currentData().toString().toStdString();
  s.trials = trials_->value();
  s.metric = metric_->currentData().toString().toStdString();
  s.max_epochs = max_epochs_->value();
  s.parallel = parallel_->value();
  if (halving_->isChecked()) s.halving = train::Halving{min_epochs_->value(), eta_->value()};
  try {
    for (int r = 0; r < int(settings_.size()); ++r) {
      if (table_->item(r, kSetting)->checkState() != Qt::Checked) continue;
      const std::string& path = settings_[size_t(r)].path;
      const ParsedValues v = parse_values(path, table_->item(r, kValues)->text(),
                                          table_->item(r, kLog)->checkState() == Qt::Checked);
      s.parameters.push_back({path, v.values, v.range});
    }
    if (s.parameters.empty()) throw Error("tick at least one setting to sweep and give it values");
    // Read back as `netwright-cli sweep` reads the file, with its checks against this project.
    s = train::parse_sweep(train::to_json(s).dump(), "sweep");
    train::SweepSpec checked = s;
    train::check_sweep(checked, project_);
  } catch (const std::exception& e) {
    const QString text = QString::fromStdString(e.what());
    show_problem(text);
    if (why) *why = text;
    return std::nullopt;
  }
  show_problem({});
  return s;
}

void SweepDialog::show_problem(const QString& text) {
  problem_->setText(text);
  problem_->setVisible(!text.isEmpty());
}

bool SweepDialog::save_to(const QString& path) {
  const std::optional<train::SweepSpec> s = spec();
  if (!s) return false;
  try {
    io::write_file_atomic(path.toStdString(), train::to_json(*s).dump(2) + "\n");
  } catch (const std::exception& e) {
    show_problem(tr("Cannot save the sweep: %1").arg(QString::fromStdString(e.what())));
    return false;
  }
  return true;
}

void SweepDialog::save() {
  if (!spec()) return;
  const QString path =
      files_.save(this, tr("Save Sweep"), name_->text().trimmed() + QStringLiteral(".sweep.json"),
                  tr("Sweep files (*.sweep.json *.json);;All files (*)"));
  if (!path.isEmpty()) save_to(path);
}

}  // namespace nw::gui
