#include "app/recovery_file.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QStandardPaths>

#include "io/atomic_file.h"

namespace nw::gui {
namespace {

std::filesystem::path fs_path(const QString& path) {
  return std::filesystem::path(path.toStdString());
}

}  // namespace

RecoveryFile::RecoveryFile()
    : RecoveryFile(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)) {}

RecoveryFile::RecoveryFile(const QString& dir)
    : path_(QDir(dir).filePath("recovery.nwproj")),
      origin_path_(QDir(dir).filePath("recovery.origin")) {}

RecoveryFile::~RecoveryFile() = default;

bool RecoveryFile::acquire() {
  if (lock_) return true;
  QDir().mkpath(QFileInfo(path_).absolutePath());
  auto lock = std::make_unique<QLockFile>(QFileInfo(path_).absolutePath() + "/recovery.lock");
  if (!lock->tryLock(0)) return false;
  lock_ = std::move(lock);
  remove_temporary_files();
  return true;
}

void RecoveryFile::remove_temporary_files() {
  // io::write_file_atomic names them ".recovery.nwproj.<pid>.<n>.tmp"; only the lock holder
  // writes here, so none of them belongs to a running writer.
  const QDir dir = QFileInfo(path_).absoluteDir();
  const QStringList patterns = {"." + QFileInfo(path_).fileName() + ".*.tmp",
                                "." + QFileInfo(origin_path_).fileName() + ".*.tmp"};
  for (const QString& name : dir.entryList(patterns, QDir::Files | QDir::Hidden))
    QFile::remove(dir.filePath(name));
}

bool RecoveryFile::exists() const {
  return QFileInfo::exists(path_);
}

void RecoveryFile::write(const io::Project& project, const QString& origin) {
  QDir().mkpath(QFileInfo(path_).absolutePath());
  // The origin goes first: a crash between the two writes then leaves an origin without a copy
  // (ignored), never a copy pointing at the wrong file. Line 2 is the folder relative data paths
  // resolve against, which an untitled project (a template) still has.
  const std::string origin_text = origin.toStdString() + "\n" + project.path.string() + "\n";
  io::write_file_atomic(fs_path(origin_path_), origin_text);
  io::save_project(project, fs_path(path_));
}

RecoveryFile::Restored RecoveryFile::read() const {
  Restored r{io::load_project(fs_path(path_)), {}};
  QFile origin(origin_path_);
  if (origin.open(QIODevice::ReadOnly | QIODevice::Text)) {
    const QStringList lines = QString::fromUtf8(origin.readAll()).split('\n');
    r.origin = lines.value(0);
    if (!lines.value(1).isEmpty()) r.project.path = fs_path(lines.value(1));
  }
  return r;
}

QString RecoveryFile::describe() const {
  const QFileInfo info(path_);
  const QString when = QLocale().toString(info.lastModified(), QLocale::ShortFormat);
  QString origin;
  QFile file(origin_path_);
  if (file.open(QIODevice::ReadOnly | QIODevice::Text))
    origin = QString::fromUtf8(file.readLine()).trimmed();
  const QString what =
      origin.isEmpty() ? QObject::tr("an untitled project") : QFileInfo(origin).fileName();
  return QObject::tr("Unsaved changes to %1 from %2 were recovered.").arg(what, when);
}

void RecoveryFile::remove() {
  QFile::remove(path_);
  QFile::remove(origin_path_);
}

}  // namespace nw::gui
