#pragma once
// The Open Recent list, shared with the desktop: projects are recorded in the freedesktop
// recently-used file ($XDG_DATA_HOME/recently-used.xbel, app/xbel_file.h) as GTK applications
// record theirs, so file choosers and the desktop's "Recent" show them, and the list shows the
// projects other applications recorded there too (a file manager that opened one, by the type
// application/x-netwright-project or the .nwproj name). Netwright's own list is kept in QSettings
// ("recentFiles") as well: it serves when that file is missing or cannot be read (which is then
// left untouched and reported once). Most recent first, no duplicates, at most kMaxRecentFiles.
// The last open project (reopened at start) is its first entry.
#include <QString>
#include <QStringList>

namespace nw::gui {

inline constexpr int kMaxRecentFiles = 10;
inline constexpr const char* kProjectMimeType = "application/x-netwright-project";

QStringList recent_files();                 // entries whose file has gone are kept (shown greyed)
void add_recent_file(const QString& path);  // moves it to the front
// These take away only Netwright's own record: another application's record of a project stays
// in the shared file (a project only they recorded is hidden from the list after a clear).
void remove_recent_file(const QString& path);
void clear_recent_files();

// The shared file: QStandardPaths' GenericDataLocation + /recently-used.xbel.
QString shared_recent_files_path();

}  // namespace nw::gui
