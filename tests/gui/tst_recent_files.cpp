// Open Recent shared with the desktop (app/recent_files.h, app/xbel_file.h): projects are
// recorded in $XDG_DATA_HOME/recently-used.xbel as GTK applications record theirs; what other
// applications wrote there survives every change as it was; a project another application
// recorded is listed; remove and clear take away only Netwright's record; a malformed file is
// never overwritten and the list then comes from QSettings; GLib itself reads what we write.
#include <QDomDocument>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include "app/recent_files.h"

using namespace nw::gui;

namespace {

// A recently-used.xbel as GLib writes it: gedit's text file and a project a file manager
// recorded by its type.
QByteArray seed_text() {
  QFile f(NW_FIXTURE_DIR "/desktop/recently-used.xbel");
  if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(f.fileName()));
  return f.readAll();
}

// An element as text with its attributes sorted and whitespace dropped: equal when the content
// is, whatever order a writer puts attributes in.
QString canonical(const QDomElement& e) {
  QStringList attributes;
  const QDomNamedNodeMap map = e.attributes();
  for (int i = 0; i < map.count(); ++i)
    attributes << map.item(i).nodeName() + "=" + map.item(i).nodeValue();
  attributes.sort();
  QString text = "<" + e.tagName() + " " + attributes.join(' ') + ">";
  for (QDomNode n = e.firstChild(); !n.isNull(); n = n.nextSibling())
    text += n.isElement() ? canonical(n.toElement()) : n.nodeValue().trimmed();
  return text + "</" + e.tagName() + ">";
}

// Prints each URI GLib reads with its MIME type and applications, then Netwright's record of
// argv[2]; exits non-zero when GLib refuses the file.
const char* const kGlibReader =
    "import ctypes, sys\n"
    "P, S = ctypes.c_void_p, ctypes.c_char_p\n"
    "g = ctypes.CDLL('libglib-2.0.so.0')\n"
    "g.g_bookmark_file_new.restype = P\n"
    "g.g_bookmark_file_load_from_file.argtypes = [P, S, P]\n"
    "g.g_bookmark_file_get_uris.argtypes = [P, P]\n"
    "g.g_bookmark_file_get_uris.restype = ctypes.POINTER(S)\n"
    "g.g_bookmark_file_get_mime_type.argtypes = [P, S, P]\n"
    "g.g_bookmark_file_get_mime_type.restype = S\n"
    "g.g_bookmark_file_get_applications.argtypes = [P, S, P, P]\n"
    "g.g_bookmark_file_get_applications.restype = ctypes.POINTER(S)\n"
    "g.g_bookmark_file_get_app_info.argtypes = [P, S, S, P, P, P, P]\n"
    "f = g.g_bookmark_file_new()\n"
    "if not g.g_bookmark_file_load_from_file(f, sys.argv[1].encode(), None): sys.exit('refused')\n"
    "n = ctypes.c_size_t()\n"
    "uris = g.g_bookmark_file_get_uris(f, ctypes.byref(n))\n"
    "for i in range(n.value):\n"
    "    k = ctypes.c_size_t()\n"
    "    apps = g.g_bookmark_file_get_applications(f, uris[i], ctypes.byref(k), None)\n"
    "    names = ','.join(apps[j].decode() for j in range(k.value))\n"
    "    mime = g.g_bookmark_file_get_mime_type(f, uris[i], None)\n"
    "    print(uris[i].decode(), mime.decode(), names)\n"
    "exe, count, stamp = S(), ctypes.c_uint(), ctypes.c_long()\n"
    "if not g.g_bookmark_file_get_app_info(f, sys.argv[2].encode(), b'Netwright', "
    "ctypes.byref(exe),\n"
    "                                      ctypes.byref(count), ctypes.byref(stamp), None):\n"
    "    sys.exit('no Netwright record')\n"
    "print('Netwright:', exe.value.decode(), count.value)\n";

struct Bookmark {
  QDomElement element;
  QString mime;
  QMap<QString, QDomElement> applications;  // by name
};

}  // namespace

class TestRecentFiles : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  QString xbel_;
  const QByteArray kSeed = seed_text();

  QString project(const QString& name) {
    const QString path = tmp_.filePath("projects/" + name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) qFatal("cannot create %s", qPrintable(path));
    return path;
  }

  void seed(const QByteArray& text) {
    QFile f(xbel_);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
  }

  QByteArray file_bytes() {
    QFile f(xbel_);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
  }

  // The bookmarks of the file by their href.
  QMap<QString, Bookmark> bookmarks() {
    QDomDocument doc;
    if (!doc.setContent(file_bytes())) qFatal("the xbel file does not parse");
    QMap<QString, Bookmark> out;
    for (QDomElement b = doc.documentElement().firstChildElement("bookmark"); !b.isNull();
         b = b.nextSiblingElement("bookmark")) {
      Bookmark m{b, {}, {}};
      const QDomElement meta = b.firstChildElement("info").firstChildElement("metadata");
      m.mime = meta.firstChildElement("mime:mime-type").attribute("type");
      const QDomElement apps = meta.firstChildElement("bookmark:applications");
      for (QDomElement a = apps.firstChildElement("bookmark:application"); !a.isNull();
           a = a.nextSiblingElement("bookmark:application"))
        m.applications[a.attribute("name")] = a;
      out[b.attribute("href")] = m;
    }
    return out;
  }

  static QString href(const QString& path) {
    return QUrl::fromLocalFile(path).toString(QUrl::FullyEncoded);
  }

 private slots:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    // Never the user's own files: QStandardPaths and QSettings read these on every use.
    qputenv("XDG_DATA_HOME", tmp_.filePath("data").toUtf8());
    qputenv("XDG_CONFIG_HOME", tmp_.filePath("config").toUtf8());
    QCoreApplication::setOrganizationName("NetwrightTest");
    QCoreApplication::setApplicationName("tst_recent_files");
    xbel_ = shared_recent_files_path();
    QCOMPARE(xbel_, tmp_.filePath("data/recently-used.xbel"));
    QVERIFY(QDir().mkpath(tmp_.filePath("data")));
    QVERIFY(QDir().mkpath(tmp_.filePath("projects")));
  }
  void init() {
    QSettings().clear();
    QFile::remove(xbel_);
  }

  void addingMergesWithWhatOthersWrote() {
    seed(kSeed);
    const auto before = bookmarks();
    const QString a = project("a.nwproj"), b = project("b b.nwproj");
    add_recent_file(a);
    add_recent_file(b);
    const auto after = bookmarks();
    QCOMPARE(after.size(), 4);
    // The other applications' bookmarks, as they were.
    for (const char* theirs :
         {"file:///home/me/notes%20and%20plans.txt", "file:///home/me/shared/colleague-net"}) {
      QVERIFY(after.contains(theirs));
      QCOMPARE(canonical(after[theirs].element), canonical(before[theirs].element));
    }
    // Ours, as GTK writes an application's record.
    for (const QString& mine : {a, b}) {
      QVERIFY2(after.contains(href(mine)), qPrintable(href(mine)));
      const Bookmark& m = after[href(mine)];
      QCOMPARE(m.mime, QStringLiteral("application/x-netwright-project"));
      QCOMPARE(m.applications.keys(), QStringList{"Netwright"});
      QCOMPARE(m.applications["Netwright"].attribute("exec"), QStringLiteral("'netwright %u'"));
      QCOMPARE(m.applications["Netwright"].attribute("count"), QStringLiteral("1"));
      for (const char* stamp : {"added", "modified", "visited"})
        QVERIFY(QDateTime::fromString(m.element.attribute(stamp), Qt::ISODateWithMs).isValid());
    }
    QCOMPARE(href(b), tmp_.filePath("projects/b%20b.nwproj").prepend("file://"));
    // The namespaces stay declared once, on the root, as GLib writes them.
    QCOMPARE(file_bytes().count("xmlns:bookmark="), 1);
    // Newest first, then the project a file manager recorded by its type.
    QCOMPARE(recent_files(), (QStringList{b, a, "/home/me/shared/colleague-net"}));
    add_recent_file(a);
    QCOMPARE(recent_files().mid(0, 2), (QStringList{a, b}));
    QCOMPARE(bookmarks()[href(a)].applications["Netwright"].attribute("count"),
             QStringLiteral("2"));
  }

  void removeTakesOnlyOurRecord() {
    seed(kSeed);
    const QString a = project("a.nwproj"), shared = "/home/me/shared/colleague-net";
    add_recent_file(a);
    add_recent_file(shared);  // now recorded by Nautilus and by us
    QCOMPARE(bookmarks()[href(shared)].applications.keys(),
             (QStringList{"Netwright", "org.gnome.Nautilus"}));
    remove_recent_file(shared);
    remove_recent_file(a);
    const auto after = bookmarks();
    QVERIFY(!after.contains(href(a)));  // only we had recorded it: it goes
    QCOMPARE(after[href(shared)].applications.keys(), QStringList{"org.gnome.Nautilus"});
    QVERIFY(after.contains("file:///home/me/notes%20and%20plans.txt"));
    QCOMPARE(recent_files(), QStringList{shared});  // Nautilus still lists it
  }

  void clearLeavesOtherApplicationsAlone() {
    seed(kSeed);
    const auto before = bookmarks();
    add_recent_file(project("a.nwproj"));
    add_recent_file("/home/me/shared/colleague-net");
    clear_recent_files();
    QCOMPARE(recent_files(), QStringList());
    const auto after = bookmarks();
    QCOMPARE(after.keys(), before.keys());
    for (const QString& key : after.keys())
      QCOMPARE(canonical(after[key].element.firstChildElement("info")),
               canonical(before[key].element.firstChildElement("info")));
    // A project recorded after the clear, by anyone, is listed again.
    add_recent_file(project("c.nwproj"));
    QCOMPARE(recent_files(), QStringList{tmp_.filePath("projects/c.nwproj")});
  }

  void aProjectOthersRecordedIsListed() {
    // By type without the extension (above), and by the extension with another type.
    QByteArray text = kSeed;
    text.replace("file:///home/me/notes%20and%20plans.txt", "file:///home/me/exported.nwproj");
    text.replace("text/plain", "application/json");
    seed(text);
    QCOMPARE(recent_files(),
             (QStringList{"/home/me/shared/colleague-net", "/home/me/exported.nwproj"}));
  }

  void aMalformedFileIsLeftAloneAndTheListStillWorks_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("cut") << kSeed.left(kSeed.size() / 2);
    QTest::newRow("not-xbel") << QByteArray("<?xml version=\"1.0\"?>\n<html><body/></html>\n");
  }
  void aMalformedFileIsLeftAloneAndTheListStillWorks() {
    QFETCH(QByteArray, text);
    seed(text);
    static bool first = true;  // said once per run
    if (std::exchange(first, false))
      QTest::ignoreMessage(QtWarningMsg,
                           QRegularExpression("Open Recent: .*recently-used.xbel.*; Netwright "
                                              "keeps its list in its own settings meanwhile"));
    const QString a = project("a.nwproj"), b = project("b.nwproj");
    add_recent_file(a);
    add_recent_file(b);
    QCOMPARE(recent_files(), (QStringList{b, a}));
    remove_recent_file(b);
    clear_recent_files();
    QCOMPARE(recent_files(), QStringList());
    QCOMPARE(file_bytes(), text);
  }

  void aNewFileIsPrivate() {
    add_recent_file(project("a.nwproj"));
    QCOMPARE(
        QFile::permissions(xbel_) & 0x7777,  // owner, user, group, other: rw for the owner only
        QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser);
    QCOMPARE(recent_files(), QStringList{tmp_.filePath("projects/a.nwproj")});
  }

  void theOlderListIsCarriedOverOnce() {
    seed(kSeed);
    const QString old1 = project("old1.nwproj"), old2 = project("old2.nwproj");
    QSettings().setValue("recentFiles", QStringList{old1, old2});  // as an older Netwright left it
    QCOMPARE(recent_files().mid(0, 2), (QStringList{old1, old2}));
    const QString a = project("a.nwproj");
    add_recent_file(a);
    QCOMPARE(recent_files(), (QStringList{a, old1, old2, "/home/me/shared/colleague-net"}));
    QVERIFY(bookmarks().contains(href(old2)));
  }

  void glibReadsWhatWeWrite() {
    // GLib's own reader (GTK's recent-files manager uses it), called through ctypes; it expands
    // the exec line as a launcher would.
    const QString python = "/usr/bin/python3";
    // scripts/lib.sh installs /usr/bin/python3 (python3-torch): missing, the check fails.
    QVERIFY2(QFile::exists(python), "needs /usr/bin/python3 to call GLib's reader");
    seed(kSeed);
    const QString a = project("a b.nwproj");
    add_recent_file(a);
    QProcess p;
    p.start(python, {"-c", kGlibReader, xbel_, href(a)});
    QVERIFY(p.waitForFinished(60000));
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    QVERIFY2(p.exitCode() == 0, qPrintable(p.readAllStandardError()));
    QVERIFY2(out.contains("file:///home/me/notes%20and%20plans.txt text/plain gedit\n") &&
                 out.contains(href(a) + " application/x-netwright-project Netwright\n") &&
                 out.contains("Netwright: netwright " + href(a) + " 1\n"),
             qPrintable(out));
  }
};

QTEST_GUILESS_MAIN(TestRecentFiles)
#include "tst_recent_files.moc"
