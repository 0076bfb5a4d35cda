#include "app/window_hooks.h"

#include <QFileDialog>
#include <QMessageBox>

namespace nw::gui {

FileDialogs FileDialogs::native() {
  FileDialogs d;
  d.open = [](QWidget* parent, const QString& caption, const QString& dir, const QString& filter) {
    return QFileDialog::getOpenFileName(parent, caption, dir, filter);
  };
  d.save = [](QWidget* parent, const QString& caption, const QString& dir, const QString& filter) {
    return QFileDialog::getSaveFileName(parent, caption, dir, filter);
  };
  return d;
}

Questions Questions::interactive() {
  Questions q;
  q.unsaved_changes = [](QWidget* parent, const QString& name) {
    const auto answer = QMessageBox::question(
        parent, QObject::tr("Unsaved changes"),
        QObject::tr("%1 has unsaved changes. Save them?").arg(name),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save) return UnsavedAnswer::Save;
    if (answer == QMessageBox::Discard) return UnsavedAnswer::Discard;
    return UnsavedAnswer::Cancel;
  };
  q.restore_recovery = [](QWidget* parent, const QString& details) {
    const auto answer = QMessageBox::question(
        parent, QObject::tr("Restore unsaved work?"),
        QObject::tr("Netwright did not close cleanly last time. %1\n\nRestore it?").arg(details),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes);
    return answer == QMessageBox::Yes;
  };
  q.error = [](QWidget* parent, const QString& title, const QString& text) {
    QMessageBox::warning(parent, title, text);
  };
  return q;
}

}  // namespace nw::gui
