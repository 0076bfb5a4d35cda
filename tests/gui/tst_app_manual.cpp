// netwright's man page and bash completion: every option `netwright --help` lists is in both
// (read from --help itself, so an option added without them fails here), the program prints them
// with no display before QApplication exists, groff renders the page without a warning, bash
// completes options and files, and the build's generated files are what the program prints.
#include <QtTest>

#include <QDir>
#include <QProcessEnvironment>
#include <QTemporaryDir>

#include <fstream>
#include <sstream>

#include "app/app_manual.h"
#include "app/app_options.h"
#include "support/manual_checks.h"

namespace {

QStringList lines_of(const std::string& text) {
  return QString::fromStdString(text).split('\n', Qt::SkipEmptyParts);
}

// Runs the real executable; `display` false takes away every way to reach a screen, so a
// QApplication would abort ("could not connect to display").
ToolRun run_app(const QStringList& args, bool display) {
  QProcess p;
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) env.remove(name);
  if (display) env.insert("QT_QPA_PLATFORM", "offscreen");
  p.setProcessEnvironment(env);
  p.start(NW_APP, args);
  ToolRun r;
  if (!p.waitForStarted() || !p.waitForFinished(60000)) return r;
  r.ran = p.exitStatus() == QProcess::NormalExit;
  r.code = p.exitCode();
  r.out = p.readAllStandardOutput().toStdString();
  r.err = p.readAllStandardError().toStdString();
  return r;
}

// The option names QCommandLineParser's --help lists: "  -h, --help    text", "  --screenshot
// <OUT.png>  text"; wrapped descriptions are indented further.
QStringList help_options(const std::string& help) {
  QStringList names;
  for (const QString& line : lines_of(help)) {
    if (!line.startsWith("  -")) continue;
    for (const QString& part : line.trimmed().section("  ", 0, 0).split(", "))
      names << part.section(' ', 0, 0);
  }
  return names;
}

QStringList completions(const std::string& script, const QStringList& words,
                        const QString& dir = {}) {
  const ToolRun r = complete_words(script, "_netwright", words, dir);
  if (!r.ran || r.code != 0 || !r.err.empty())
    return {QString::fromStdString("bash failed: " + r.err)};
  return lines_of(r.out);
}

}  // namespace

class TestAppManual : public QObject {
  Q_OBJECT
  std::string page_ = nw::gui::app_man_page().toStdString();
  std::string script_ = nw::gui::app_bash_completion().toStdString();

 private slots:
  void printsBeforeNeedingADisplay() {
    const ToolRun man = run_app({"--help-man"}, false);
    QVERIFY2(man.ran && man.code == 0, man.err.c_str());
    QCOMPARE(man.out, page_);
    const ToolRun bash = run_app({"--help-bash-completion"}, false);
    QVERIFY2(bash.ran && bash.code == 0, bash.err.c_str());
    QCOMPARE(bash.out, script_);
    QVERIFY(page_.rfind(".TH NETWRIGHT 1 \"version ", 0) == 0);
  }

  // Every option of --help under OPTIONS (the manual flags stay out of --help), and PROJECT in
  // the synopsis and the description.
  void manPageHasEveryOption() {
    const ToolRun help = run_app({"--help"}, true);
    QVERIFY2(help.ran && help.code == 0, help.err.c_str());
    QVERIFY(help.out.find("--help-man") == std::string::npos);
    const QStringList listed = help_options(help.out);
    QVERIFY2(listed.contains("--screenshot") && listed.contains("-h"), help.out.c_str());
    const std::string options = page_.substr(page_.find(".SH OPTIONS"));
    for (const QString& o : listed) {
      const std::string tag = "\\fB" + QString(o).replace("-", "\\-").toStdString() + "\\fR";
      QVERIFY2(options.find(tag) != std::string::npos, qPrintable(o));
    }
    QVERIFY(page_.find(".RI [ OPTIONS ]\n.RI [ PROJECT ]\n") != std::string::npos);
    QVERIFY(page_.find("\nPROJECT is a Netwright project (.nwproj) to open") != std::string::npos);
    QVERIFY(options.find(".TP\n\\fIPROJECT\\fR\n") != std::string::npos);
    for (const char* text : {".SH FILES", "recently\\-used.xbel", "/netwright/projects\n",
                             "Netwright.conf", ".BR netwright\\-cli (1)"})
      QVERIFY2(page_.find(text) != std::string::npos, text);
  }

  void groffRendersThePageWithoutWarnings() {
    const ToolRun r = render_man_page(page_);
    QVERIFY2(r.ran && r.code == 0 && r.err.empty(), r.err.c_str());
    const ToolRun ascii = render_man_page(page_, "ascii");
    QVERIFY(QString::fromStdString(ascii.out).contains("--screenshot OUT.png"));
    for (size_t i = page_.find('-'); i != std::string::npos; i = page_.find('-', i + 1))
      QVERIFY2(i > 0 && page_[i - 1] == '\\', page_.substr(i > 30 ? i - 30 : 0, 60).c_str());
  }

  // `netwright -<TAB>` offers exactly what --help lists; values by their kind.
  void bashCompletesOptionsAndFiles() {
    QStringList listed = help_options(run_app({"--help"}, true).out);
    listed.sort();
    QCOMPARE(completions(script_, {"netwright", "-"}), listed);
    QCOMPARE(completions(script_, {"netwright", "--screenshot-"}),
             (QStringList{"--screenshot-after-epochs", "--screenshot-size"}));
    QTemporaryDir dir;
    for (const char* name : {"a.nwproj", "b.png", "c.txt"})
      std::ofstream(QDir(dir.path()).filePath(name).toStdString()) << "x";
    QVERIFY(QDir(dir.path()).mkdir("sub"));
    QCOMPARE(completions(script_, {"netwright", ""}, dir.path()), (QStringList{"a.nwproj", "sub"}));
    QCOMPARE(completions(script_, {"netwright", "--screenshot", ""}, dir.path()),
             (QStringList{"b.png", "sub"}));
    QCOMPARE(completions(script_, {"netwright", "--screenshot-size", ""}, dir.path()),
             QStringList{});
  }

  // The option list moved into app_command_line(); parsing reads the same options.
  void parsingUsesTheSameOptions() {
    QString error;
    const auto o = nw::gui::parse_app_options(
        {"netwright", "--screenshot", "s.png", "--screenshot-size", "800x600",
         "--screenshot-after-epochs", "2", "--no-restore", "p.nwproj"},
        &error);
    QVERIFY2(o, qPrintable(error));
    // A relative project becomes absolute (project_argument.h).
    QCOMPARE(o->project, QDir::current().absoluteFilePath("p.nwproj"));
    QCOMPARE(o->screenshot, QString("s.png"));
    QCOMPARE(o->screenshot_size, QSize(800, 600));
    QCOMPARE(o->screenshot_epochs, 2);
    QVERIFY(o->no_restore);
    QVERIFY(!o->print_startup_time);
  }

  void buildGeneratedTheSameFiles() {
    const ToolRun man =
        run_tool("gzip", {"-dc", NW_BUILD_DIR "/share/man/man1/netwright.1.gz"}, "");
    QVERIFY2(man.ran && man.code == 0, man.err.c_str());
    QCOMPARE(man.out, page_);
    std::ifstream completion(NW_BUILD_DIR "/share/bash-completion/completions/netwright");
    QCOMPARE((std::ostringstream() << completion.rdbuf()).str(), script_);
  }
};

QTEST_APPLESS_MAIN(TestAppManual)
#include "tst_app_manual.moc"
