#pragma once
// The autosave's recovery file: a copy of the open project written while it has unsaved changes,
// under QStandardPaths::AppDataLocation. A clean exit or a save removes it, so finding one at
// start means the last session crashed (or was killed) with unsaved work.
#include <QString>

#include <memory>

#include "io/project.h"

class QLockFile;

namespace nw::gui {

class RecoveryFile {
 public:
  RecoveryFile();  // the standard location
  explicit RecoveryFile(const QString& dir);
  ~RecoveryFile();

  // Only the session holding the lock reads, writes or removes the file, so a second running
  // Netwright neither offers the first one's work as a crash nor overwrites it. A crashed
  // session's lock is stale (its process is gone) and is taken over, and the temporary files of
  // a write it was killed in are deleted. Idempotent.
  bool acquire();
  bool owned() const { return lock_ != nullptr; }

  QString path() const { return path_; }
  bool exists() const;

  // Atomic (io::save_project), so a crash while writing leaves the previous copy. `origin` is
  // the file the project came from (empty for an untitled one); restore() gives it back. Throws
  // nw::Error naming the path.
  void write(const io::Project& project, const QString& origin);

  struct Restored {
    io::Project project;
    QString origin;  // where the project was loaded from, empty when it was untitled
  };
  // Throws io::ProjectError when the file is unreadable.
  Restored read() const;
  // "Unsaved changes to 'name' from <date>."
  QString describe() const;
  void remove();

 private:
  void remove_temporary_files();

  QString path_, origin_path_;
  std::unique_ptr<QLockFile> lock_;
};

}  // namespace nw::gui
