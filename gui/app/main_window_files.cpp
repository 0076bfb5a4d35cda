// MainWindow: new, open, save, recent files, templates, autosave and crash recovery.
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QMenu>
#include <QTimer>

#include "app/bundled_projects.h"
#include "app/main_window.h"
#include "app/messages_panel.h"
#include "app/recent_files.h"
#include "app/training_status.h"
#include "document/project_document.h"
#include "editor/graph_editor.h"
#include "evaluation/evaluation_widget.h"
#include "experiments/experiments.h"
#include "io/checkpoint.h"
#include "io/weights_file.h"
#include "training/training_controller.h"

namespace nw::gui {
namespace {

const QString kProjectFilter = QObject::tr("Netwright projects (*.nwproj)");

QString error_text(const std::exception& e) {
  return QString::fromUtf8(e.what());
}

// The folder a file dialog starts in: the open project's, else the bundled projects.
QString start_dir(const ProjectDocument* doc) {
  return doc->path().isEmpty() ? bundled_projects_dir() : QFileInfo(doc->path()).absolutePath();
}

}  // namespace

bool MainWindow::confirm_discard() {
  if (!document_->is_modified() && !restored_) return true;
  switch (hooks_.questions.unsaved_changes(this, document_->display_name())) {
    case UnsavedAnswer::Save:
      return save();
    case UnsavedAnswer::Discard:
      return true;
    case UnsavedAnswer::Cancel:
      break;
  }
  return false;
}

void MainWindow::new_project() {
  if (!confirm_discard()) return;
  document_->new_project();
  project_replaced({});
}

void MainWindow::open_with_dialog() {
  const QString path =
      hooks_.files.open(this, tr("Open project"), start_dir(document_), kProjectFilter);
  if (!path.isEmpty()) open_project(path);
}

bool MainWindow::open_project(const QString& path, QString* why) {
  if (!confirm_discard()) {
    if (why) *why = tr("cancelled: the open project has unsaved changes");
    return false;
  }
  try {
    document_->open(path);
  } catch (const std::exception& e) {
    const QString text =
        tr("Cannot open %1:\n%2").arg(QDir::toNativeSeparators(path), error_text(e));
    if (why)
      *why = text;
    else
      hooks_.questions.error(this, tr("Open project"), text);
    return false;
  }
  add_recent_file(path);
  project_replaced(path);
  return true;
}

bool MainWindow::new_from_template(const QString& path, QString* why) {
  if (!confirm_discard()) return false;
  try {
    // Untitled, so Save asks where instead of overwriting the bundled file. The project keeps
    // its path, so relative data paths still resolve against the template's folder.
    document_->reset(io::load_project(path.toStdString()), {});
  } catch (const std::exception& e) {
    const QString text = tr("Cannot read the template %1:\n%2").arg(path, error_text(e));
    if (why)
      *why = text;
    else
      hooks_.questions.error(this, tr("New from template"), text);
    return false;
  }
  project_replaced({});
  return true;
}

bool MainWindow::open_default_project(QString* why) {
  const QStringList recent = recent_files();
  if (!recent.isEmpty() && QFileInfo::exists(recent.first()) && open_project(recent.first()))
    return true;
  return open_project(bundled_projects_dir() + "/fashion-mnist-mlp.nwproj", why);
}

QStringList MainWindow::template_paths() {
  QStringList paths;
  QDirIterator it(bundled_projects_dir(), {"*.nwproj"}, QDir::Files, QDirIterator::Subdirectories);
  while (it.hasNext()) {
    const QString path = it.next();
    if (!path.contains("/runs/")) paths << path;  // training output, not templates
  }
  paths.sort();
  return paths;
}

bool MainWindow::save() {
  return document_->path().isEmpty() ? save_as() : save_to(document_->path());
}

bool MainWindow::save_as() {
  const QString dir = document_->path().isEmpty()
                          ? QDir::homePath() + "/" + document_->display_name() + ".nwproj"
                          : document_->path();
  QString path = hooks_.files.save(this, tr("Save project as"), dir, kProjectFilter);
  if (path.isEmpty()) return false;
  if (QFileInfo(path).suffix().isEmpty()) path += ".nwproj";
  return save_to(path);
}

bool MainWindow::save_to(const QString& path) {
  try {
    document_->save(path);
  } catch (const std::exception& e) {
    hooks_.questions.error(this, tr("Save project"), tr("Cannot save:\n%1").arg(error_text(e)));
    return false;
  }
  restored_ = false;
  if (recovery_mine_) recovery_.remove();
  add_recent_file(path);
  update_title();
  update_training_actions();  // saved elsewhere: the runs beside the new file count now
  log(tr("Saved %1").arg(QDir::toNativeSeparators(path)));
  return true;
}

void MainWindow::project_replaced(const QString& path) {
  end_run_for_switch();
  restored_ = false;
  // After the event loop has laid the window out: at start-up the view has no size yet.
  QTimer::singleShot(0, editor_, &GraphEditor::show_graph);
  init_checkpoint_.clear();
  update_title();
  update_device_choice();
  log(path.isEmpty()
          ? tr("New project: %1").arg(document_->display_name())
          : tr("Opened %1").arg(QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath())));
  // Nothing of the previous project stays: its network (Evaluate, Export), its progress, its
  // evaluation; the dashboard shows this project's own runs.
  has_run_ = false;
  own_runs_.clear();
  pending_weights_.clear();
  training_status_->clear();
  evaluation_->clear();
  show_disk_runs();
  experiments_->refresh();
  update_training_actions();
}

void MainWindow::rebuild_recent_menu() {
  recent_menu_->clear();
  const QStringList files = recent_files();
  for (int i = 0; i < files.size(); ++i) {
    const QFileInfo info(files[i]);
    QAction* a = recent_menu_->addAction(tr("&%1 %2").arg(i + 1).arg(info.fileName()) + "  —  " +
                                         QDir::toNativeSeparators(info.absolutePath()));
    a->setData(files[i]);
    a->setEnabled(info.exists());
    connect(a, &QAction::triggered, this, [this, path = files[i]] { open_project(path); });
  }
  if (files.isEmpty()) recent_menu_->addAction(tr("No recent projects"))->setEnabled(false);
  recent_menu_->addSeparator();
  QAction* clear = recent_menu_->addAction(tr("&Clear List"));
  clear->setEnabled(!files.isEmpty());
  connect(clear, &QAction::triggered, this, [] { clear_recent_files(); });
}

void MainWindow::rebuild_template_menu() {
  template_menu_->clear();
  const QDir root(bundled_projects_dir());
  for (const QString& path : template_paths()) {
    QString name = root.relativeFilePath(path);
    name.chop(QStringLiteral(".nwproj").size());
    QAction* a = template_menu_->addAction(name);
    a->setData(path);
    connect(a, &QAction::triggered, this, [this, path] { new_from_template(path); });
  }
  if (template_menu_->isEmpty())
    template_menu_->addAction(tr("No bundled projects"))->setEnabled(false);
}

void MainWindow::autosave() {
  if (!recovery_.owned()) return;
  if (document_->is_modified() || restored_) {
    try {
      recovery_.write(document_->project(), document_->path());
      recovery_mine_ = true;
    } catch (const std::exception& e) {
      messages_->add_log(MessagesPanel::Level::Warning,
                         tr("Autosave failed: %1").arg(error_text(e)));
    }
  } else if (recovery_mine_) {
    recovery_.remove();  // back to the saved state (undo): nothing to recover
  }
}

void MainWindow::offer_recovery() {
  if (!recovery_.owned() || !recovery_.exists()) return;
  recovery_mine_ = true;  // answered either way: this session owns the file now
  if (!hooks_.questions.restore_recovery(this, recovery_.describe())) {
    recovery_.remove();
    return;
  }
  try {
    RecoveryFile::Restored r = recovery_.read();
    document_->reset(std::move(r.project), r.origin);
    project_replaced(r.origin);
    restored_ = true;  // unsaved until saved: the title shows it, closing asks
    update_title();
    log(tr("Restored unsaved work from %1").arg(QDir::toNativeSeparators(recovery_.path())));
  } catch (const std::exception& e) {
    hooks_.questions.error(this, tr("Restore"),
                           tr("Cannot restore the recovery file:\n%1").arg(error_text(e)));
    recovery_.remove();
  }
}

void MainWindow::import_weights() {
  const QString path = hooks_.files.open(this, tr("Import weights"), start_dir(document_),
                                         tr("Weights (*.h5 *.pt *.pth);;All files (*)"));
  if (path.isEmpty()) return;
  try {
    io::read_weights_file(path.toStdString());  // refuse an unreadable file now, not at Train
  } catch (const std::exception& e) {
    hooks_.questions.error(this, tr("Import weights"), error_text(e));
    return;
  }
  init_checkpoint_ = path;
  log(tr("The next training run starts from the matching weights of %1")
          .arg(QDir::toNativeSeparators(path)));
}

}  // namespace nw::gui
