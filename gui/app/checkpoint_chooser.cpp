#include "app/checkpoint_chooser.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>

namespace nw::gui {

CheckpointChooser::CheckpointChooser(QVector<CheckpointChoice> choices, int preselected,
                                     QWidget* parent)
    : QDialog(parent), choices_(std::move(choices)) {
  setWindowTitle(tr("Export checkpoint"));
  run_ = new QComboBox;
  run_->setObjectName("checkpointRun");
  checkpoint_ = new QComboBox;
  checkpoint_->setObjectName("checkpointWhich");
  for (const CheckpointChoice& c : choices_) {
    const QString name = c.run.isEmpty() ? tr("In memory (this session)") : c.run;
    if (run_->findData(c.run) < 0) run_->addItem(name, c.run);
  }
  if (preselected >= 0 && preselected < choices_.size())
    run_->setCurrentIndex(run_->findData(choices_[preselected].run));
  fill_checkpoints(preselected);
  connect(run_, &QComboBox::currentIndexChanged, this, [this] { fill_checkpoints(-1); });

  auto* note =
      new QLabel(tr("best: the epoch with the best monitored metric; the numbered "
                    "checkpoints are the last ones the run kept."));
  note->setWordWrap(true);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* form = new QFormLayout(this);
  form->addRow(tr("Run:"), run_);
  form->addRow(tr("Checkpoint:"), checkpoint_);
  form->addRow(note);
  form->addRow(buttons);
}

void CheckpointChooser::fill_checkpoints(int preselected) {
  checkpoint_->clear();
  const QString run = run_->currentData().toString();
  for (int i = 0; i < choices_.size(); ++i)
    if (choices_[i].run == run) {
      checkpoint_->addItem(choices_[i].which, i);
      if (i == preselected) checkpoint_->setCurrentIndex(checkpoint_->count() - 1);
    }
}

int CheckpointChooser::chosen() const {
  return checkpoint_->currentIndex() < 0 ? -1 : checkpoint_->currentData().toInt();
}

ChooseCheckpoint checkpoint_chooser() {
  return [](QWidget* parent, const QVector<CheckpointChoice>& choices, int preselected) {
    CheckpointChooser dialog(choices, preselected, parent);
    return dialog.exec() == QDialog::Accepted ? dialog.chosen() : -1;
  };
}

}  // namespace nw::gui
