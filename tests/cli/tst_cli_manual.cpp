// netwright-cli's man page and bash completion: every command and option that --help lists is in
// both (read from --help itself, so an option added without them fails here), groff renders the
// page without a warning, bash completes commands, options, choices and files, and the build's
// generated files are what the program prints.
#include <QtTest>

#include <QDir>
#include <QTemporaryDir>

#include <fstream>
#include <map>
#include <sstream>

#include "cli_runner.h"
#include "manual.h"
#include "support/manual_checks.h"

namespace {

QStringList lines_of(const std::string& text) {
  return QString::fromStdString(text).split('\n', Qt::SkipEmptyParts);
}

// What `netwright-cli [SUB] --help` lists: "Positionals:" names and "Options:" names, by
// CLI11's layout ("  -h,--help    text", "  --init TEXT Excludes: --resume"), and the
// "Subcommands:" names.
struct HelpListing {
  QStringList positionals, options, commands;
};

HelpListing parse_help(const std::string& help) {
  HelpListing h;
  QStringList* section = nullptr;
  for (const QString& line : lines_of(help)) {
    if (!line.startsWith(' ')) {
      section = line == "Positionals:"   ? &h.positionals
                : line == "Options:"     ? &h.options
                : line == "Subcommands:" ? &h.commands
                                         : nullptr;
      continue;
    }
    // Entries are indented by two spaces; wrapped descriptions by many more.
    if (!section || line.startsWith("   ")) continue;
    const QString first = line.trimmed().section(' ', 0, 0);
    for (const QString& name : first.split(',')) section->append(name);
  }
  return h;
}

// The roff text of the page between ".SS <command>" and the next section.
std::string command_section(const std::string& page, const QString& command) {
  // roff escapes a hyphen in a name: lr\-find.
  const std::string head = ".SS " + QString(command).replace("-", "\\-").toStdString() + "\n";
  const size_t start = page.find(head);
  if (start == std::string::npos) return {};
  const size_t end = page.find("\n.S", start + head.size());
  return page.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string roff_name(const QString& name) {
  return QString(name).replace("-", "\\-").toStdString();
}

QStringList completions(const std::string& script, const QStringList& words,
                        const QString& dir = {}) {
  const ToolRun r = complete_words(script, "_netwright_cli", words, dir);
  if (!r.ran || r.code != 0 || !r.err.empty())
    return {QString::fromStdString("bash failed: " + r.err)};
  return lines_of(r.out);
}

std::string gunzip(const QString& path) {
  const ToolRun r = run_tool("gzip", {"-dc", path}, "");
  return r.ran && r.code == 0 ? r.out : std::string();
}

}  // namespace

class TestCliManual : public QObject {
  Q_OBJECT
  std::string page_, script_;
  HelpListing top_;

 private slots:
  void initTestCase() {
    const CliRun man = run_cli({"--help-man"});
    QCOMPARE(man.code, 0);
    QVERIFY(man.err.empty());
    page_ = man.out;
    const CliRun bash = run_cli({"--help-bash-completion"});
    QCOMPARE(bash.code, 0);
    script_ = bash.out;
    const CliRun help = run_cli({"--help"});
    QCOMPARE(help.code, 0);
    top_ = parse_help(help.out);
    QVERIFY2(top_.commands.size() >= 13, help.out.c_str());
  }

  // The flags are hidden from --help, and without them a command is still required.
  void manualFlagsAreHiddenAndKeepTheCommandRequired() {
    const CliRun help = run_cli({"--help"});
    QVERIFY(help.out.find("--help-man") == std::string::npos);
    QVERIFY(help.out.find("--help-bash-completion") == std::string::npos);
    QCOMPARE(run_cli({}).code, 2);
    QVERIFY(page_.rfind(".TH NETWRIGHT\\-CLI 1 ", 0) == 0);
  }

  // Each command has its own section listing everything its --help lists; the program's own
  // options are under OPTIONS, and every command is in the SYNOPSIS.
  void manPageHasEveryCommandAndOption() {
    const std::string options = page_.substr(0, page_.find(".SH COMMANDS"));
    for (const QString& o : top_.options)
      QVERIFY2(options.find("\\fB" + roff_name(o) + "\\fR") != std::string::npos, qPrintable(o));
    for (const QString& c : top_.commands) {
      QVERIFY2(page_.find(".B netwright\\-cli " + roff_name(c) + "\n") != std::string::npos,
               qPrintable(c));
      const std::string section = command_section(page_, c);
      QVERIFY2(!section.empty(), qPrintable("no section for " + c));
      const HelpListing help = parse_help(run_cli({c, "--help"}).out);
      QVERIFY2(!help.options.isEmpty(), qPrintable(c));
      for (const QString& p : help.positionals)
        QVERIFY2(section.find("\\fI" + p.toStdString() + "\\fR") != std::string::npos,
                 qPrintable(c + " " + p));
      for (const QString& o : help.options) {
        if (o == "-h" || o == "--help") continue;  // said once for all commands
        QVERIFY2(section.find("\\fB" + roff_name(o) + "\\fR") != std::string::npos,
                 qPrintable(c + " " + o));
      }
    }
  }

  void manPageNamesExitCodesEnvironmentAndFiles() {
    for (const char* text :
         {".SH EXIT STATUS\n.TP\n.B 0\n", ".B 3\n", ".B OMP_NUM_THREADS",
          ".B NETWRIGHT_CUDA_PLUGIN", "/netwright/projects\n", ".SH SEE ALSO\n.BR netwright (1)"})
      QVERIFY2(page_.find(text) != std::string::npos, text);
  }

  // groff -ww warns about unknown macros, bad escapes and breaks it cannot make; there are none.
  // Every '-' is escaped as \- (a minus sign, found by searches), as man-pages(7) asks.
  void groffRendersThePageWithoutWarnings() {
    const ToolRun r = render_man_page(page_);
    QVERIFY2(r.ran && r.code == 0, r.err.c_str());
    QVERIFY2(r.err.empty(), r.err.c_str());
    const ToolRun ascii = render_man_page(page_, "ascii");
    QVERIFY2(ascii.err.empty(), ascii.err.c_str());
    QVERIFY(QString::fromStdString(ascii.out).contains("netwright-cli - train and run"));
    QVERIFY(QString::fromStdString(ascii.out).contains("--device cpu|cuda|auto"));
    for (size_t i = page_.find('-'); i != std::string::npos; i = page_.find('-', i + 1))
      QVERIFY2(i > 0 && page_[i - 1] == '\\', page_.substr(i > 30 ? i - 30 : 0, 60).c_str());
  }

  // Text that roff would read as requests or escapes comes out as the text itself.
  void roffSpecialsInTextAreEscaped() {
    CLI::App app{".TH fake: a \\fB backslash\nand a new line", "demo"};
    std::string value;
    app.add_subcommand("run", "'quoted")->add_option("--x-y", value, ".SH not a section");
    std::ostringstream os;
    nw::manual::write_man_page(os, nw::cli::describe_app(app, "1.0"));
    for (const QString& line : lines_of(os.str()))
      QVERIFY2(!line.startsWith(".TH fake") && !line.startsWith(".SH not") &&
                   !line.startsWith("'quoted"),
               qPrintable(line));
    const ToolRun r = render_man_page(os.str(), "ascii");
    QVERIFY2(r.ran && r.code == 0 && r.err.empty(), r.err.c_str());
    const QString text = QString::fromStdString(r.out).simplified();
    for (const char* shown :
         {".TH fake: a \\fB backslash", "'quoted", "--x-y", ".SH not a section"})
      QVERIFY2(text.contains(shown), qPrintable(QString(shown) + " in " + text));
  }

  void bashCompletesCommandNames() {
    QCOMPARE(completions(script_, {"netwright-cli", "tr"}), QStringList{"train"});
    QCOMPARE(completions(script_, {"netwright-cli", "ex"}), QStringList{"export"});
    QStringList all = top_.commands + top_.options;
    all.sort();
    QCOMPARE(completions(script_, {"netwright-cli", ""}), all);
  }

  // `netwright-cli SUB -<TAB>` offers exactly what `SUB --help` lists.
  void bashCompletesEveryOptionOfEveryCommand() {
    for (const QString& c : top_.commands) {
      QStringList listed = parse_help(run_cli({c, "--help"}).out).options;
      listed.sort();
      QCOMPARE(completions(script_, {"netwright-cli", c, "-"}), listed);
    }
  }

  void bashCompletesChoicesFilesAndNoNumbers() {
    QCOMPARE(completions(script_, {"netwright-cli", "eval", "p.nwproj", "--device", "c"}),
             (QStringList{"cpu", "cuda"}));
    QCOMPARE(completions(script_, {"netwright-cli", "export", "--format", ""}),
             (QStringList{"onnx", "pytorch"}));
    QCOMPARE(completions(script_, {"netwright-cli", "train", "--epochs", ""}), QStringList{});
    QTemporaryDir dir;
    for (const char* name : {"a.nwproj", "b.h5", "c.pt", "d.onnx", "e.txt"})
      std::ofstream(QDir(dir.path()).filePath(name).toStdString()) << "x";
    QVERIFY(QDir(dir.path()).mkdir("sub"));
    QCOMPARE(completions(script_, {"netwright-cli", "train", ""}, dir.path()),
             (QStringList{"a.nwproj", "sub"}));
    QCOMPARE(completions(script_, {"netwright-cli", "train", "a.nwproj", "--init", ""}, dir.path()),
             (QStringList{"b.h5", "c.pt", "sub"}));
    QCOMPARE(completions(script_, {"netwright-cli", "import", ""}, dir.path()),
             (QStringList{"d.onnx", "sub"}));
    QCOMPARE(
        completions(script_, {"netwright-cli", "train", "a.nwproj", "--metrics", ""}, dir.path())
            .size(),
        6);
  }

  // What the build installs is what the program prints, gzipped without a name or time stamp.
  void buildGeneratedTheSameFilesReproducibly() {
    const QString man = NW_BUILD_DIR "/share/man/man1/netwright-cli.1.gz";
    QCOMPARE(gunzip(man), page_);
    QFile gz(man);
    QVERIFY(gz.open(QIODevice::ReadOnly));
    const QByteArray header = gz.read(10);
    QCOMPARE(header.mid(4, 4), QByteArray(4, '\0'));  // MTIME
    QCOMPARE(int(header[3]) & 0x08, 0);               // FNAME
    std::ifstream completion(NW_BUILD_DIR "/share/bash-completion/completions/netwright-cli");
    QCOMPARE((std::ostringstream() << completion.rdbuf()).str(), script_);
  }
};

QTEST_APPLESS_MAIN(TestCliManual)
#include "tst_cli_manual.moc"
