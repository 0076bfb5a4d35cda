// MainWindow: File ▸ Export Checkpoint, Export Weights and Export Plots, and the choice of
// weights that every export offers.
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "app/main_window.h"
#include "document/project_document.h"
#include "io/checkpoint.h"
#include "train/run_index.h"
#include "training/training_controller.h"
#include "training/training_dashboard.h"

namespace nw::gui {

std::optional<MainWindow::ChosenWeights> MainWindow::choose_weights(const QString& title) {
  // The runs on disk, newest first, each best first; then the weights a run of this window left
  // in memory (a run without a folder, a checkpoint evaluated from elsewhere).
  const std::vector<train::RunInfo> runs = disk_runs();
  QVector<CheckpointChoice> choices;
  QStringList names;
  int preselected = -1;
  for (size_t r = 0; r < runs.size(); ++r)
    for (const train::RunCheckpoint& ckpt : runs[r].checkpoints) {
      if (r == 0 && ckpt.kind == train::RunCheckpoint::Kind::Best) preselected = choices.size();
      choices.push_back({QString::fromStdString(runs[r].name), QString::fromStdString(ckpt.label()),
                         QString::fromStdString(ckpt.path.string())});
      names << QString::fromStdString(
          train::export_file_name(project_stem().toStdString(), runs[r], ckpt, r == 0));
    }
  if (has_run_) {
    choices.push_back({{}, tr("weights in memory"), {}});
    names << project_stem() + "-current.h5";
  }
  if (choices.isEmpty()) {  // the actions are disabled then; a shortcut or a script may still ask
    hooks_.questions.error(this, title, tr("No runs on disk for this project yet; train first."));
    return std::nullopt;
  }
  // One thing to export needs no question.
  const int chosen =
      choices.size() == 1 ? 0 : hooks_.choose_checkpoint(this, choices, std::max(preselected, 0));
  if (chosen < 0 || chosen >= choices.size()) return std::nullopt;
  return ChosenWeights{choices[chosen].path, names[chosen]};
}

void MainWindow::export_checkpoint() {
  const std::optional<ChosenWeights> weights = choose_weights(tr("Export checkpoint"));
  if (!weights) return;
  QString path =
      hooks_.files.save(this, tr("Export checkpoint"), export_folder() + "/" + weights->file_name,
                        tr("Checkpoints (*.h5)"));
  if (path.isEmpty()) return;
  if (QFileInfo(path).suffix().isEmpty()) path += ".h5";
  if (weights->path.isEmpty()) {
    training_->export_checkpoint(path);  // written atomically by the worker
    return;
  }
  try {
    train::copy_checkpoint(weights->path.toStdString(), path.toStdString());
    log(tr("Exported %1 to %2")
            .arg(describe_weights(weights->path), QDir::toNativeSeparators(path)));
  } catch (const std::exception& e) {
    hooks_.questions.error(this, tr("Export checkpoint"), QString::fromUtf8(e.what()));
  }
}

void MainWindow::export_weights() {
  const QString suggested = export_folder() + "/" + project_stem() + "-weights.h5";
  QString path = hooks_.files.save(this, tr("Export weights"), suggested, tr("Checkpoints (*.h5)"));
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
  const QString suggested = export_folder() + "/" + project_stem() + ".png";
  QString path = hooks_.files.save(this, tr("Export plots (one file per plot)"), suggested,
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
