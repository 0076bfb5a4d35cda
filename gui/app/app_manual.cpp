#include "app/app_manual.h"

#include <QRegularExpression>

#include <cstring>

#include "app/app_options.h"

namespace nw::gui {

namespace {

// Text for roff: '\' is an escape, '-' must be \- to stay a minus sign, and a line starting with
// '.' or '\'' would be read as a request.
QString roff(const QString& text) {
  QString out = QString(text).replace('\\', "\\e").replace('-', "\\-").replace('\n', "\n.br\n");
  if (out.startsWith('.') || out.startsWith('\'')) out.prepend("\\&");
  return out;
}

// QCommandLineParser's own options (addHelpOption, addVersionOption), as Qt 6's --help lists them;
// tests/gui/tst_app_manual checks the page against the real --help.
QList<QCommandLineOption> all_options() {
  QList<QCommandLineOption> options{
      {{"h", "help"}, "Displays help on commandline options."},
      {"help-all", "Displays help including Qt specific options."},
      {{"v", "version"}, "Displays version information."},
  };
  return options + app_command_line().options();
}

QStringList dashed(const QCommandLineOption& o) {
  QStringList names;
  for (const QString& n : o.names()) names << (n.size() == 1 ? "-" : "--") + n;
  return names;
}

// Extensions named by a value ("OUT.png") or a description ("(.nwproj)", "a PNG file").
QStringList named_extensions(const QString& value, const QString& description) {
  static const QRegularExpression ext(R"((?:^|[\s(/])\.([A-Za-z][A-Za-z0-9]*))");
  static const QRegularExpression value_ext(R"(\.([A-Za-z][A-Za-z0-9]*)$)");
  QStringList found;
  if (const auto m = value_ext.match(value); m.hasMatch()) found << m.captured(1);
  for (auto it = ext.globalMatch(description); it.hasNext();) found << it.next().captured(1);
  found.removeDuplicates();
  return found;
}

QString files_call(const QStringList& extensions) {
  QString call = "_netwright_files \"$cur\"";
  for (const QString& e : extensions) call += " '" + e + "'";
  return call;
}

}  // namespace

QString app_man_page() {
  const AppCommandLine cl = app_command_line();
  QString description = cl.description;
  description[0] = description[0].toLower();
  description.chop(description.endsWith('.') ? 1 : 0);
  const QString v = roff(kAppVersion);
  const QString positional = roff(QString(cl.positional_syntax).remove('[').remove(']'));
  QString page =
      ".TH NETWRIGHT 1 \"version " + v + "\" \"Netwright " + v + "\" \"User Commands\"\n";
  page += ".SH NAME\nnetwright \\- " + roff(description) + "\n";
  page += ".SH SYNOPSIS\n.B netwright\n.RI [ OPTIONS ]\n.RI [ " + positional + " ]\n";
  page += ".SH DESCRIPTION\n.B netwright\n" +
          roff(
              "is a desktop application for building neural networks as a graph of layers, "
              "training them with live plots of the loss and accuracy, and evaluating, "
              "exporting and importing them. netwright-cli(1) runs the same projects without "
              "a display.") +
          "\n.PP\n\\fI" + positional + "\\fR " +
          roff(
              "is a Netwright project (.nwproj) to open. Without one, netwright opens the "
              "project that was open last, or else the bundled Fashion-MNIST MLP example. When "
              "a previous session ended with unsaved changes (a crash), it first offers to "
              "restore them.") +
          "\n.SH OPTIONS\n";
  for (const QCommandLineOption& o : all_options()) {
    QStringList names;
    for (const QString& n : dashed(o)) names << "\\fB" + roff(n) + "\\fR";
    page += ".TP\n" + names.join(", ");
    if (!o.valueName().isEmpty()) page += " \\fI" + roff(o.valueName()) + "\\fR";
    page += "\n" + roff(o.description()) + "\n";
  }
  page += ".SH EXIT STATUS\n.TP\n.B 0\nSuccess.\n.TP\n.B 1\n" +
          roff(
              "An unknown option (QCommandLineParser's own check), a PROJECT that could not "
              "be opened, or a --screenshot that could not train or be written.") +
          "\n.TP\n.B 2\n" +
          roff(
              "A bad option value (--screenshot-size, --screenshot-after-epochs) or more than "
              "one PROJECT.") +
          "\n";
  page += ".SH ENVIRONMENT\n.TP\n.B OMP_NUM_THREADS\n" +
          roff("CPU threads for training (default: one per physical core).") +
          "\n.TP\n.B NETWRIGHT_CUDA_PLUGIN\n" +
          roff("Path of the CUDA backend plugin (libnetwright_cuda.so) to load first.") + "\n";
  page += ".SH FILES\n.TP\n.I ~/.config/Netwright/Netwright.conf\n" +
          roff(
              "Settings: theme, view options, window layout (QSettings; under "
              "$XDG_CONFIG_HOME when set).") +
          "\n.TP\n.I ~/.local/share/recently\\-used.xbel\n" +
          roff(
              "The desktop's list of recently used files, which File > Open Recent reads and "
              "adds to.") +
          "\n.TP\n.I ~/.local/share/Netwright/Netwright/recovery.nwproj\n" +
          roff("Unsaved changes of the open project, kept until it is saved or closed.") +
          "\n.TP\n.I " + roff(NW_INSTALLED_PROJECTS_DIR) + "\n" +
          roff(
              "The bundled example projects (package netwright-examples), listed by "
              "File > New from Template.") +
          "\n.SH SEE ALSO\n.BR netwright\\-cli (1)\n";
  return page;
}

QString app_bash_completion() {
  const AppCommandLine cl = app_command_line();
  QStringList names, value_cases;
  for (const QCommandLineOption& o : all_options()) {
    names << dashed(o);
    if (o.valueName().isEmpty()) continue;
    const QStringList ext = named_extensions(o.valueName(), o.description());
    value_cases << "    " + dashed(o).join('|') + ") " + (ext.isEmpty() ? ":" : files_call(ext)) +
                       "; return ;;\n";
  }
  return "# bash completion for netwright " + QString(kAppVersion) +
         ", generated by `netwright --help-bash-completion` from the options --help lists.\n\n"
         "# _netwright_files WORD EXT...: directories and the files ending in .EXT.\n"
         "_netwright_files() {\n"
         "  local cur=$1 ext IFS=$'\\n'\n  shift\n  compopt -o filenames 2>/dev/null\n"
         "  COMPREPLY+=($(compgen -d -- \"$cur\"))\n"
         "  for ext in \"$@\"; do\n    COMPREPLY+=($(compgen -f -X \"!*.$ext\" -- \"$cur\"))\n"
         "  done\n}\n\n"
         "_netwright() {\n"
         "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
         "  COMPREPLY=()\n  case $prev in\n" +
         value_cases.join("") +
         "  esac\n  if [[ $cur == -* ]]; then\n"
         "    COMPREPLY=($(compgen -W '" +
         names.join(' ') + "' -- \"$cur\"))\n  else\n    " +
         files_call(named_extensions({}, cl.positional_description)) +
         "\n  fi\n}\n\ncomplete -F _netwright netwright\n";
}

std::optional<QString> requested_manual(int argc, const char* const* argv) {
  if (argc < 2) return std::nullopt;
  if (std::strcmp(argv[1], "--help-man") == 0) return app_man_page();
  if (std::strcmp(argv[1], "--help-bash-completion") == 0) return app_bash_completion();
  return std::nullopt;
}

}  // namespace nw::gui
