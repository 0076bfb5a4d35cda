// MainWindow: File ▸ Export ▸ ONNX / PyTorch Code and File ▸ Import ONNX (docs/interop.md). The
// conversions run off the GUI thread behind a progress dialog: a ResNet's takes seconds, and the
// window must keep painting meanwhile. Failures go to the Messages dock and an error box.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProgressDialog>
#include <QThread>

#include <memory>

#include "app/main_window.h"
#include "document/project_document.h"
#include "interop/onnx_export.h"
#include "interop/onnx_import.h"
#include "interop/torch_code.h"
#include "io/checkpoint.h"
#include "training/training_controller.h"

namespace nw::gui {

namespace {

QString what_failed(const std::exception& e) {
  return QString::fromUtf8(e.what());
}

}  // namespace

void MainWindow::run_in_background(const QString& label, std::function<void()> work,
                                   std::function<void(const QString& error)> done) {
  auto* progress = new QProgressDialog(label, QString(), 0, 0, this);  // busy, no Cancel
  progress->setObjectName("interopProgress");
  progress->setWindowModality(Qt::WindowModal);
  progress->setMinimumDuration(300);  // quick conversions never flash a dialog
  auto error = std::make_shared<QString>();
  QThread* thread = QThread::create([work = std::move(work), error] {
    try {
      work();
    } catch (const std::exception& e) {
      *error = what_failed(e);
    }
  });
  ++background_jobs_;
  connect(thread, &QThread::finished, this, [this, thread, progress, error, done] {
    progress->deleteLater();
    thread->deleteLater();
    --background_jobs_;
    done(*error);
  });
  thread->start();
}

void MainWindow::export_model(ModelFormat format) {
  const bool onnx = format == ModelFormat::Onnx;
  const QString title = onnx ? tr("Export ONNX") : tr("Export PyTorch code");
  const std::optional<ChosenWeights> weights = choose_weights(title);
  if (!weights) return;
  const QString suffix = onnx ? ".onnx" : ".py";
  QString target = hooks_.files.save(
      this, title, export_folder() + "/" + project_stem().replace('-', '_') + suffix,
      onnx ? tr("ONNX models (*.onnx)") : tr("Python files (*.py)"));
  if (target.isEmpty()) return;
  if (QFileInfo(target).suffix().isEmpty()) target += suffix;
  if (weights->path.isEmpty()) {  // the network the worker holds: its checkpoint arrives later
    model_export_ = {format, target + ".weights.tmp", target};
    training_->export_checkpoint(model_export_.checkpoint);
    return;
  }
  write_model(format, weights->path, target, false);
}

void MainWindow::finish_model_export() {
  const ModelExport job = std::exchange(model_export_, {});
  write_model(job.format, job.checkpoint, job.target, true);
}

void MainWindow::write_model(ModelFormat format, const QString& checkpoint, const QString& target,
                             bool remove_checkpoint) {
  const io::Project project = document_->project();
  const std::string ckpt = checkpoint.toStdString(), out = target.toStdString();
  auto weights_out = std::make_shared<QString>();
  const QString what = format == ModelFormat::Onnx ? tr("ONNX model") : tr("PyTorch code");
  run_in_background(
      tr("Writing the %1 %2...").arg(what, QDir::toNativeSeparators(target)),
      [=] {
        const io::Checkpoint full = io::read_checkpoint(ckpt);
        if (format == ModelFormat::Onnx)
          interop::export_onnx(project, full.model, out);
        else
          *weights_out = QString::fromStdString(
              interop::write_torch_export(project, full.model, out).string());
      },
      [=, this](const QString& error) {
        if (remove_checkpoint) QFile::remove(checkpoint);
        if (!error.isEmpty()) {
          log(tr("Export failed: %1").arg(error));
          hooks_.questions.error(this, tr("Export %1").arg(what), error);
          return;
        }
        log(format == ModelFormat::Onnx
                ? tr("ONNX model written: %1 (open it in Netron or onnxruntime)")
                      .arg(QDir::toNativeSeparators(target))
                : tr("PyTorch code written: %1, with the weights it loads: %2")
                      .arg(QDir::toNativeSeparators(target),
                           QDir::toNativeSeparators(*weights_out)));
      });
}

void MainWindow::import_onnx() {
  if (!confirm_discard()) return;
  const QString source = hooks_.files.open(this, tr("Import ONNX model"), export_folder(),
                                           tr("ONNX models (*.onnx);;All files (*)"));
  if (source.isEmpty()) return;
  QString target =
      hooks_.files.save(this, tr("Save the imported project as"),
                        export_folder() + "/" + QFileInfo(source).completeBaseName() + ".nwproj",
                        tr("Netwright projects (*.nwproj)"));
  if (target.isEmpty()) return;
  if (QFileInfo(target).suffix().isEmpty()) target += ".nwproj";
  auto report = std::make_shared<std::vector<std::string>>();
  const std::string in = source.toStdString(), out = target.toStdString();
  run_in_background(
      tr("Importing %1...").arg(QDir::toNativeSeparators(source)),
      [in, out, report] {
        const interop::ImportedModel model = interop::import_onnx(in);
        interop::write_imported(model, out);
        *report = model.report;
      },
      [this, source, target, report](const QString& error) {
        if (!error.isEmpty()) {
          log(tr("Import failed: %1").arg(error));
          hooks_.questions.error(this, tr("Import ONNX"), error);
          return;
        }
        QString why;
        if (!open_project(target, &why)) {
          hooks_.questions.error(this, tr("Import ONNX"), why);
          return;
        }
        for (const std::string& line : *report) log(QString::fromStdString(line));
        log(tr("Imported %1 as %2; training starts from its weights")
                .arg(QDir::toNativeSeparators(source), QDir::toNativeSeparators(target)));
      });
}

}  // namespace nw::gui
