// MainWindow: File ▸ Export Checkpoint, Export Weights and Export Plots.
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "app/main_window.h"
#include "document/project_document.h"
#include "io/checkpoint.h"
#include "training/training_controller.h"
#include "training/training_dashboard.h"

namespace nw::gui {

void MainWindow::export_checkpoint() {
  const QString dir =
      QFileInfo(document_->path()).absolutePath() + "/" + document_->display_name() + ".h5";
  const QString path =
      hooks_.files.save(this, tr("Export checkpoint"), dir, tr("Checkpoints (*.h5)"));
  if (path.isEmpty()) return;
  training_->export_checkpoint(QFileInfo(path).suffix().isEmpty() ? path + ".h5" : path);
}

void MainWindow::export_weights() {
  const QString dir =
      QFileInfo(document_->path()).absolutePath() + "/" + document_->display_name() + "-weights.h5";
  QString path = hooks_.files.save(this, tr("Export weights"), dir, tr("Checkpoints (*.h5)"));
  if (path.isEmpty()) return;
  if (QFileInfo(path).suffix().isEmpty()) path += ".h5";
  // The controller exports whole checkpoints (the network lives on the training thread); the
  // weights are that checkpoint without the optimizer, scheduler and random state.
  weights_export_ = {path + ".full.tmp", path};
  training_->export_checkpoint(weights_export_.first);
}

void MainWindow::finish_weights_export() {
  const auto [full, target] = weights_export_;
  weights_export_ = {};
  try {
    const io::Checkpoint ckpt = io::read_checkpoint(full.toStdString());
    io::Checkpoint weights;
    weights.model = ckpt.model;
    weights.epoch = ckpt.epoch;
    weights.loss = ckpt.loss;
    weights.project = ckpt.project;  // so `netwright-cli checkpoint` can still name the layers
    io::write_checkpoint(target.toStdString(), weights);
    log(tr("Weights written: %1").arg(QDir::toNativeSeparators(target)));
  } catch (const std::exception& e) {
    hooks_.questions.error(this, tr("Export weights"), QString::fromUtf8(e.what()));
  }
  QFile::remove(full);
}

void MainWindow::export_plots() {
  const QString dir =
      QFileInfo(document_->path()).absolutePath() + "/" + document_->display_name() + ".png";
  QString path = hooks_.files.save(this, tr("Export plots (one file per plot)"), dir,
                                   tr("PNG images (*.png);;PDF documents (*.pdf)"));
  if (path.isEmpty()) return;
  // "run.pdf" becomes run-loss.pdf, run-accuracy.pdf and run-lr.pdf.
  const QString suffix =
      QFileInfo(path).suffix().compare("pdf", Qt::CaseInsensitive) == 0 ? ".pdf" : ".png";
  if (path.endsWith(suffix, Qt::CaseInsensitive)) path.chop(suffix.size());
  if (dashboard_->export_plots(path, suffix))
    log(tr("Plots written: %1-{loss,accuracy,lr}%2").arg(QDir::toNativeSeparators(path), suffix));
  else
    hooks_.questions.error(this, tr("Export plots"), tr("Cannot write the plots to %1").arg(path));
}

}  // namespace nw::gui
