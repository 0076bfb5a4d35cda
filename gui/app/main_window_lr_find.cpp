// MainWindow: Train > Find Learning Rate... (app/lr_finder_dialog.h).
#include "app/lr_finder_dialog.h"
#include "app/main_window.h"
#include "document/project_document.h"
#include "training/training_controller.h"

namespace nw::gui {

void MainWindow::find_learning_rate() {
  io::Project project = document_->project();
  project.training.device = device_choice().toStdString();
  // Window-modal: no run can start beside the sweep, and the action is off while one goes on.
  auto* dialog = new LrFinderDialog(project, training_->last_weights(), hooks_.sample_limit, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &LrFinderDialog::useRate, this, &MainWindow::set_learning_rate);
  dialog->open();
  dialog->start();
}

void MainWindow::set_learning_rate(double lr) {
  io::TrainingConfig training = document_->project().training;
  training.optimizer["lr"] = lr;
  document_->set_training_config(training);  // one undo step
  log(tr("Learning rate set to %1 (Find Learning Rate)").arg(lr));
}

}  // namespace nw::gui
