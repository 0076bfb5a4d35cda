#include "app/block_name_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace nw::gui {

BlockNameDialog::BlockNameDialog(const QString& proposed,
                                 std::function<QString(const QString&)> problem, QWidget* parent)
    : QDialog(parent),
      problem_(std::move(problem)),
      name_(new QLineEdit(proposed, this)),
      reason_(new QLabel(this)),
      buttons_(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)) {
  setWindowTitle(tr("Group Into Block"));
  name_->setObjectName("blockName");
  name_->selectAll();
  reason_->setObjectName("blockNameProblem");
  reason_->setWordWrap(true);
  auto* form = new QFormLayout;
  form->addRow(tr("Block &name:"), name_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(
      new QLabel(tr("The selected nodes become one block; its uses share the definition.")));
  layout->addLayout(form);
  layout->addWidget(reason_);
  layout->addWidget(buttons_);
  connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(name_, &QLineEdit::textChanged, this, &BlockNameDialog::check);
  check();
}

QString BlockNameDialog::name() const {
  return name_->text().trimmed();
}

void BlockNameDialog::check() {
  const QString why = problem_ ? problem_(name()) : QString();
  reason_->setText(why);
  reason_->setVisible(!why.isEmpty());
  buttons_->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
}

AskBlockName block_name_dialog() {
  return [](QWidget* parent, const QString& proposed,
            const std::function<QString(const QString&)>& problem) {
    BlockNameDialog dialog(proposed, problem, parent);
    return dialog.exec() == QDialog::Accepted ? dialog.name() : QString();
  };
}

}  // namespace nw::gui
