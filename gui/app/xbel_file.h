#pragma once
// The desktop's shared list of recently used files: $XDG_DATA_HOME/recently-used.xbel, XBEL
// with the freedesktop Desktop Bookmark Spec's metadata, as GLib's GBookmarkFile (GTK's
// GtkRecentManager) writes it and GNOME's and KDE's file choosers read it:
//
//   <bookmark href="file:///home/me/net.nwproj" added=".." modified=".." visited="..">
//     <info><metadata owner="http://freedesktop.org">
//       <mime:mime-type type="application/x-netwright-project"/>
//       <bookmark:applications>
//         <bookmark:application name="Netwright" exec="'netwright %u'" modified=".." count="2"/>
//       </bookmark:applications>
//     </metadata></info>
//   </bookmark>
//
// Every other application's bookmarks, and whatever else the file holds, are kept as read.
#include <QDateTime>
#include <QDomDocument>
#include <QString>

#include <vector>

namespace nw::gui {

struct XbelEntry {
  QString path;              // the local file; bookmarks of other URIs are not listed
  QString mime;              // empty when the bookmark names none
  QDateTime stamp;           // the latest of added, modified and visited
  QStringList applications;  // the names of the applications that recorded it
};

struct XbelApplication {
  QString name;  // "Netwright"
  QString exec;  // "'netwright %u'", quoted as GLib writes it
};

class XbelFile {
 public:
  // Reads `path`. A missing file reads as empty. A file that cannot be read or is not XBEL
  // leaves ok() false with error() saying where and why, and save() refuses: it is never
  // overwritten or lost.
  explicit XbelFile(QString path);
  bool ok() const { return error_.isEmpty(); }
  const QString& error() const { return error_; }

  std::vector<XbelEntry> entries() const;  // in file order

  // `app` used `file` now: creates its bookmark (of type `mime`) or updates its times, and adds
  // or updates the application's record (count + 1). The new time is later than every time in
  // the file, so the most recent entry is this one even within one clock tick.
  void touch(const QString& file, const QString& mime, const XbelApplication& app);
  // Removes `app_name`'s record from the bookmark of `file` (every bookmark when `file` is
  // empty); a bookmark whose last record goes is removed, as GLib does.
  bool remove_application(const QString& app_name, const QString& file = {});  // false: none
  // Drops the oldest bookmarks beyond `max` (the file otherwise grows for ever).
  void limit(int max);

  // Writes atomically (QSaveFile), creating the folder; false with `error` set when it cannot,
  // or when the file was unreadable (see above).
  bool save(QString* error) const;

 private:
  // The bookmark's <metadata owner="http://freedesktop.org">; null when it has none.
  QDomElement metadata(const QDomElement& bookmark) const;
  QDomElement make_metadata(QDomElement bookmark);

  QString path_;
  QString bookmark_, mime_;  // "bookmark:", "mime:": the prefixes the file binds the namespaces to
  QString error_;
  QDomDocument doc_;
};

}  // namespace nw::gui
