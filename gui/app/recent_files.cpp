#include "app/recent_files.h"

#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

#include <algorithm>

#include "app/xbel_file.h"

namespace nw::gui {
namespace {

const char* const kKey = "recentFiles";
// When the list was last cleared: projects only other applications recorded before then stay
// out of it, or Clear List would seem not to work.
const char* const kClearedKey = "recentFilesClearedAt";
// Set once the QSettings list (all there was before the shared file) has been copied into it.
const char* const kCopiedKey = "recentFilesInXbel";
const XbelApplication kApp{QStringLiteral("Netwright"), QStringLiteral("'netwright %u'")};
// The shared file holds every application's files; GLib keeps it bounded by age, we by count.
constexpr int kMaxBookmarks = 1000;

// Once per run: the shared file could not be used, so the list comes from QSettings alone.
void report(const QString& error) {
  static bool reported = false;
  if (reported) return;
  reported = true;
  qWarning("Open Recent: %s; Netwright keeps its list in its own settings meanwhile",
           qPrintable(error));
}

QStringList settings_list() {
  return QSettings().value(kKey).toStringList();
}

void store(const QStringList& files) {
  QSettings().setValue(kKey, files);
}

bool is_project(const XbelEntry& e) {
  return e.mime == QLatin1String(kProjectMimeType) ||
         e.path.endsWith(QLatin1String(".nwproj"), Qt::CaseInsensitive);
}

void save(const XbelFile& xbel) {
  QString error;
  if (!xbel.save(&error)) report(error);
}

}  // namespace

QString shared_recent_files_path() {
  return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
         "/recently-used.xbel";
}

QStringList recent_files() {
  const QString path = shared_recent_files_path();
  if (!QFileInfo::exists(path)) return settings_list();
  const XbelFile xbel(path);
  if (!xbel.ok()) {
    report(xbel.error());
    return settings_list();
  }
  QSettings settings;
  const QDateTime cleared = settings.value(kClearedKey).toDateTime();
  std::vector<XbelEntry> entries;
  for (XbelEntry& e : xbel.entries())
    if (is_project(e) &&
        (e.applications.contains(kApp.name) || !cleared.isValid() || e.stamp > cleared))
      entries.push_back(std::move(e));
  // Newest first; of equal times the later in the file, where GLib appends new bookmarks.
  std::reverse(entries.begin(), entries.end());
  std::stable_sort(entries.begin(), entries.end(),
                   [](const XbelEntry& a, const XbelEntry& b) { return a.stamp > b.stamp; });
  // Before the first project is recorded in the shared file, the older list still counts.
  QStringList files = settings.value(kCopiedKey).toBool() ? QStringList() : settings_list();
  for (const XbelEntry& e : entries)
    if (!files.contains(e.path)) files << e.path;
  return files.mid(0, kMaxRecentFiles);
}

void add_recent_file(const QString& path) {
  // Absolute and canonical where possible, so one file opened two ways is one entry.
  const QFileInfo info(path);
  const QString key = info.exists() ? info.canonicalFilePath() : info.absoluteFilePath();
  QStringList files = settings_list();
  const QStringList before = files;
  files.removeAll(key);
  files.prepend(key);
  while (files.size() > kMaxRecentFiles) files.removeLast();
  store(files);

  XbelFile xbel(shared_recent_files_path());
  if (!xbel.ok()) return report(xbel.error());
  QSettings settings;
  const bool copy = !settings.value(kCopiedKey).toBool();
  if (copy)  // oldest first, so they keep their order
    for (auto it = before.rbegin(); it != before.rend(); ++it)
      xbel.touch(*it, kProjectMimeType, kApp);
  xbel.touch(key, kProjectMimeType, kApp);
  xbel.limit(kMaxBookmarks);
  QString error;
  if (!xbel.save(&error)) return report(error);
  if (copy) settings.setValue(kCopiedKey, true);
}

void remove_recent_file(const QString& path) {
  QStringList files = settings_list();
  files.removeAll(path);
  store(files);
  if (!QFileInfo::exists(shared_recent_files_path())) return;
  XbelFile xbel(shared_recent_files_path());
  if (!xbel.ok()) return report(xbel.error());
  if (xbel.remove_application(kApp.name, path)) save(xbel);
}

void clear_recent_files() {
  store({});
  QSettings().setValue(kClearedKey, QDateTime::currentDateTimeUtc());
  if (!QFileInfo::exists(shared_recent_files_path())) return;
  XbelFile xbel(shared_recent_files_path());
  if (!xbel.ok()) return report(xbel.error());
  if (xbel.remove_application(kApp.name)) save(xbel);
}

}  // namespace nw::gui
