#include "inspector/optimizer_editor.h"

#include <QCoreApplication>
#include <QFormLayout>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include "inspector/inspector_style.h"
#include "io/catalog.h"

namespace nw::gui {

using json = nlohmann::json;

namespace {

std::vector<catalog::ArgSpec> optimizer_args(const std::string& type) {
  const io::OptimizerEntry* e = io::optimizers().find(type);
  return e ? e->args : std::vector<catalog::ArgSpec>{};
}

std::vector<catalog::ArgSpec> scheduler_args(const std::string& type) {
  const io::SchedulerEntry* e = io::schedulers().find(type);
  return e ? e->args : std::vector<catalog::ArgSpec>{};
}

// The entry's name, with its description as the item's tooltip.
void add_entry(QComboBox* box, const catalog::EntryInfo& e) {
  box->addItem(qstr(e.name), qstr(e.name));
  box->setItemData(box->count() - 1, QCoreApplication::translate("catalog", e.description.c_str()),
                   Qt::ToolTipRole);
}

}  // namespace

OptimizerEditor::OptimizerEditor(QWidget* parent)
    : QWidget(parent),
      optimizer_(make_combo(this)),
      optimizer_form_(new KwargsForm(QStringLiteral("training.optimizer"), this)),
      scheduler_(make_combo(this)),
      scheduler_form_(new KwargsForm(QStringLiteral("training.scheduler"), this)) {
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(0, 0, 0, 0);
  QFormLayout* top = make_form();
  optimizer_->setObjectName(QStringLiteral("training.optimizer.type"));
  for (const io::OptimizerEntry* e : io::optimizers().entries()) add_entry(optimizer_, *e);
  top->addRow(tr("Optimizer"), optimizer_);
  column->addLayout(top);
  column->addWidget(optimizer_form_);
  QFormLayout* mid = make_form();
  scheduler_->setObjectName(QStringLiteral("training.scheduler.type"));
  scheduler_->addItem(tr("None (constant)"), QString());
  for (const io::SchedulerEntry* e : io::schedulers().entries()) add_entry(scheduler_, *e);
  scheduler_->setToolTip(tr("How the learning rate changes during training"));
  mid->addRow(tr("LR schedule"), scheduler_);
  column->addLayout(mid);
  column->addWidget(scheduler_form_);

  connect(optimizer_, &QComboBox::activated, this, &OptimizerEditor::optimizer_chosen);
  connect(scheduler_, &QComboBox::activated, this, &OptimizerEditor::scheduler_chosen);
  // Written back: the learning rate, what the user set before, and what differs from the
  // catalog's (PyTorch's) defaults.
  connect(optimizer_form_, &KwargsForm::edited, this, [this](const QString&, const json& values) {
    const std::string type = optimizer_spec_.value("type", std::string());
    json spec = KwargsForm::spec_of(type, optimizer_args(type), optimizer_spec_, values);
    if (values.contains("lr")) spec["lr"] = values["lr"];
    emit optimizerEdited(spec);
  });
  connect(scheduler_form_, &KwargsForm::edited, this, [this](const QString&, const json& values) {
    const std::string type = scheduler_spec_.value("type", std::string());
    emit schedulerEdited(KwargsForm::spec_of(type, scheduler_args(type), scheduler_spec_, values));
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
  optimizer_form_->set_arguments(optimizer_args(type), optimizer);
  const std::string s = scheduler.is_object() ? scheduler.value("type", std::string()) : "";
  {
    QSignalBlocker block(scheduler_);
    scheduler_->setCurrentIndex(std::max(0, scheduler_->findData(qstr(s))));
  }
  scheduler_form_->setVisible(!s.empty());
  scheduler_form_->set_arguments(scheduler_args(s), s.empty() ? json::object() : scheduler);
}

void OptimizerEditor::optimizer_chosen(int index) {
  const std::string type = sstr(optimizer_->itemData(index).toString());
  if (type == optimizer_spec_.value("type", std::string())) return;
  // The learning rate carries over (SGD has no default one); the rest start at the catalog's
  // starters and defaults.
  const io::OptimizerEntry* e = io::optimizers().find(type);
  if (!e) return;
  json spec = io::starter_spec(*e);
  if (optimizer_spec_.is_object() && optimizer_spec_.contains("lr"))
    spec["lr"] = optimizer_spec_["lr"];
  emit optimizerEdited(spec);
}

void OptimizerEditor::scheduler_chosen(int index) {
  const std::string type = sstr(scheduler_->itemData(index).toString());
  if (type.empty()) {
    emit schedulerEdited(json());
    return;
  }
  if (scheduler_spec_.is_object() && scheduler_spec_.value("type", std::string()) == type) return;
  const io::SchedulerEntry* e = io::schedulers().find(type);
  if (e) emit schedulerEdited(io::starter_spec(*e));
}

}  // namespace nw::gui
