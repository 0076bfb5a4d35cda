#include "app/xbel_file.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QUrl>

#include <algorithm>

namespace nw::gui {
namespace {

const QString kBookmarkNs =
    QStringLiteral("http://www.freedesktop.org/standards/desktop-bookmarks");
const QString kMimeNs = QStringLiteral("http://www.freedesktop.org/standards/shared-mime-info");
const QString kOwner = QStringLiteral("http://freedesktop.org");

const QByteArray kEmpty =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xbel version=\"1.0\" "
    "xmlns:bookmark=\"" +
    kBookmarkNs.toUtf8() + "\" xmlns:mime=\"" + kMimeNs.toUtf8() + "\"/>\n";

// GLib's form, microseconds and all; Qt keeps milliseconds.
QString stamp_text(const QDateTime& t) {
  return t.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz")) + QStringLiteral("000Z");
}

QDateTime stamp_of(const QDomElement& bookmark) {
  QDateTime best;
  for (const char* name : {"added", "modified", "visited"}) {
    const QDateTime t = QDateTime::fromString(bookmark.attribute(name), Qt::ISODateWithMs);
    if (t.isValid() && (!best.isValid() || t > best)) best = t;
  }
  return best;
}

QString local_path(const QDomElement& bookmark) {
  const QUrl url(bookmark.attribute(QStringLiteral("href")));
  return url.isLocalFile() ? url.toLocalFile() : QString();
}

std::vector<QDomElement> bookmarks(const QDomDocument& doc) {
  std::vector<QDomElement> all;
  const QString tag = QStringLiteral("bookmark");
  for (QDomElement b = doc.documentElement().firstChildElement(tag); !b.isNull();
       b = b.nextSiblingElement(tag))
    all.push_back(b);
  return all;
}

// The prefix the root binds to `ns` (GLib writes "bookmark" and "mime"); the file is read
// without namespace processing so that it is written back with its declarations where they were.
QString prefix_for(QDomElement root, const QString& ns, const QString& usual) {
  const QDomNamedNodeMap attributes = root.attributes();
  for (int i = 0; i < attributes.count(); ++i) {
    const QDomAttr a = attributes.item(i).toAttr();
    if (a.name().startsWith(QLatin1String("xmlns:")) && a.value() == ns) return a.name().mid(6);
  }
  root.setAttribute("xmlns:" + usual, ns);  // only written when something of ours is added
  return usual;
}

}  // namespace

XbelFile::XbelFile(QString path) : path_(std::move(path)) {
  QFile file(path_);
  QByteArray text = kEmpty;
  if (file.exists()) {
    if (!file.open(QIODevice::ReadOnly)) {
      error_ = QStringLiteral("%1: cannot be read (%2)").arg(path_, file.errorString());
      return;
    }
    text = file.readAll();
    if (text.trimmed().isEmpty()) text = kEmpty;  // nothing there to keep
  }
  QString message;
  int line = 0, column = 0;
  if (!doc_.setContent(text, false, &message, &line, &column)) {
    error_ = QStringLiteral("%1:%2:%3: not valid XML (%4)")
                 .arg(path_)
                 .arg(line)
                 .arg(column)
                 .arg(message);
    return;
  }
  if (doc_.documentElement().tagName() != QLatin1String("xbel")) {
    error_ = QStringLiteral("%1: not an XBEL file (its root element is <%2>, not <xbel>)")
                 .arg(path_, doc_.documentElement().tagName());
    return;
  }
  bookmark_ = prefix_for(doc_.documentElement(), kBookmarkNs, "bookmark") + ":";
  mime_ = prefix_for(doc_.documentElement(), kMimeNs, "mime") + ":";
}

QDomElement XbelFile::metadata(const QDomElement& bookmark) const {
  const QDomElement info = bookmark.firstChildElement(QStringLiteral("info"));
  for (QDomElement m = info.firstChildElement(QStringLiteral("metadata")); !m.isNull();
       m = m.nextSiblingElement(QStringLiteral("metadata")))
    if (m.attribute(QStringLiteral("owner")) == kOwner) return m;
  return {};
}

QDomElement XbelFile::make_metadata(QDomElement bookmark) {
  if (QDomElement m = metadata(bookmark); !m.isNull()) return m;
  QDomElement info = bookmark.firstChildElement(QStringLiteral("info"));
  if (info.isNull()) info = bookmark.appendChild(doc_.createElement("info")).toElement();
  QDomElement m = info.appendChild(doc_.createElement("metadata")).toElement();
  m.setAttribute(QStringLiteral("owner"), kOwner);
  return m;
}

std::vector<XbelEntry> XbelFile::entries() const {
  std::vector<XbelEntry> out;
  if (!ok()) return out;
  for (const QDomElement& b : bookmarks(doc_)) {
    XbelEntry e;
    e.path = local_path(b);
    if (e.path.isEmpty()) continue;
    e.stamp = stamp_of(b);
    const QDomElement meta = metadata(b);
    e.mime = meta.firstChildElement(mime_ + "mime-type").attribute("type");
    const QDomElement apps = meta.firstChildElement(bookmark_ + "applications");
    const QString app_tag = bookmark_ + "application";
    for (QDomElement a = apps.firstChildElement(app_tag); !a.isNull();
         a = a.nextSiblingElement(app_tag))
      e.applications << a.attribute(QStringLiteral("name"));
    out.push_back(std::move(e));
  }
  return out;
}

void XbelFile::touch(const QString& file, const QString& mime, const XbelApplication& app) {
  // Within one clock tick of another entry, one millisecond later; a stamp far ahead (another
  // computer's clock) is not followed.
  const QDateTime clock = QDateTime::currentDateTimeUtc();
  QDateTime now = clock;
  QDomElement bookmark;
  for (const QDomElement& b : bookmarks(doc_)) {
    const QDateTime t = stamp_of(b);
    if (t.isValid() && t >= now && t < clock.addSecs(1)) now = t.addMSecs(1);
    if (local_path(b) == file) bookmark = b;
  }
  const QString t = stamp_text(now);
  if (bookmark.isNull()) {
    bookmark = doc_.documentElement().appendChild(doc_.createElement("bookmark")).toElement();
    bookmark.setAttribute("href", QUrl::fromLocalFile(file).toString(QUrl::FullyEncoded));
    bookmark.setAttribute("added", t);
  }
  bookmark.setAttribute("modified", t);
  bookmark.setAttribute("visited", t);
  QDomElement meta = make_metadata(bookmark);
  QDomElement type = meta.firstChildElement(mime_ + "mime-type");
  if (type.isNull())
    type = meta.insertBefore(doc_.createElement(mime_ + "mime-type"), {}).toElement();
  if (type.attribute("type").isEmpty()) type.setAttribute("type", mime);
  QDomElement apps = meta.firstChildElement(bookmark_ + "applications");
  if (apps.isNull())
    apps = meta.appendChild(doc_.createElement(bookmark_ + "applications")).toElement();
  const QString app_tag = bookmark_ + "application";
  QDomElement record;
  for (QDomElement a = apps.firstChildElement(app_tag); !a.isNull() && record.isNull();
       a = a.nextSiblingElement(app_tag))
    if (a.attribute("name") == app.name) record = a;
  if (record.isNull()) {
    record = apps.appendChild(doc_.createElement(app_tag)).toElement();
    record.setAttribute("name", app.name);
  }
  record.setAttribute("exec", app.exec);
  record.setAttribute("modified", t);
  record.setAttribute("count", record.attribute("count", "0").toInt() + 1);
}

bool XbelFile::remove_application(const QString& app_name, const QString& file) {
  bool changed = false;
  const QString app_tag = bookmark_ + "application";
  for (QDomElement& b : bookmarks(doc_)) {
    if (!file.isEmpty() && local_path(b) != file) continue;
    QDomElement apps = metadata(b).firstChildElement(bookmark_ + "applications");
    bool removed = false;
    for (QDomElement a = apps.firstChildElement(app_tag); !a.isNull();) {
      const QDomElement next = a.nextSiblingElement(app_tag);
      if (a.attribute("name") == app_name) {
        apps.removeChild(a);
        removed = true;
      }
      a = next;
    }
    // A bookmark nobody recorded any longer goes; one that never named an application stays.
    if (removed && apps.firstChildElement(app_tag).isNull()) doc_.documentElement().removeChild(b);
    changed = changed || removed;
  }
  return changed;
}

void XbelFile::limit(int max) {
  std::vector<QDomElement> all = bookmarks(doc_);
  if (int(all.size()) <= max) return;
  std::stable_sort(all.begin(), all.end(), [](const QDomElement& a, const QDomElement& b) {
    return stamp_of(a) < stamp_of(b);
  });
  for (size_t i = 0; i < all.size() - size_t(max); ++i) doc_.documentElement().removeChild(all[i]);
}

bool XbelFile::save(QString* error) const {
  if (!ok()) {
    *error = error_ + "; left unchanged";
    return false;
  }
  QDir().mkpath(QFileInfo(path_).absolutePath());
  const bool existed = QFile::exists(path_);
  QSaveFile file(path_);
  if (!file.open(QIODevice::WriteOnly)) {
    *error = QStringLiteral("%1: cannot be written (%2)").arg(path_, file.errorString());
    return false;
  }
  // What files someone opened is theirs alone; an existing file keeps its permissions.
  if (!existed) file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
  file.write(doc_.toByteArray(2));
  if (!file.commit()) {
    *error = QStringLiteral("%1: cannot be written (%2)").arg(path_, file.errorString());
    return false;
  }
  return true;
}

}  // namespace nw::gui
