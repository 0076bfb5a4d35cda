#include "app/recent_files.h"

#include <QFileInfo>
#include <QSettings>

namespace nw::gui {
namespace {

const char* const kKey = "recentFiles";

void store(const QStringList& files) {
  QSettings().setValue(kKey, files);
}

}  // namespace

QStringList recent_files() {
  return QSettings().value(kKey).toStringList();
}

void add_recent_file(const QString& path) {
  // Absolute and canonical where possible, so one file opened two ways is one entry.
  const QFileInfo info(path);
  const QString key = info.exists() ? info.canonicalFilePath() : info.absoluteFilePath();
  QStringList files = recent_files();
  files.removeAll(key);
  files.prepend(key);
  while (files.size() > kMaxRecentFiles) files.removeLast();
  store(files);
}

void remove_recent_file(const QString& path) {
  QStringList files = recent_files();
  files.removeAll(path);
  store(files);
}

void clear_recent_files() {
  store({});
}

}  // namespace nw::gui
