#pragma once
// The Open Recent list, kept in QSettings ("recentFiles"): most recent first, no duplicates, at
// most kMaxRecentFiles entries. The last open project (reopened at start) is its first entry.
#include <QString>
#include <QStringList>

namespace nw::gui {

inline constexpr int kMaxRecentFiles = 10;

QStringList recent_files();  // as stored; entries whose file has gone are kept (shown greyed)
void add_recent_file(const QString& path);  // moves it to the front
void remove_recent_file(const QString& path);
void clear_recent_files();

}  // namespace nw::gui
