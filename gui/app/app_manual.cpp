#include "app/app_manual.h"

#include <cstring>
#include <sstream>

#include "app/app_options.h"
#include "manual_doc.h"

namespace nw::gui {

namespace {

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

manual::OptionDoc describe(const QCommandLineOption& o) {
  manual::OptionDoc doc;
  for (const QString& n : o.names())
    doc.names.push_back(((n.size() == 1 ? "-" : "--") + n).toStdString());
  doc.value = o.valueName().toStdString();
  doc.description = o.description().toStdString();
  if (!doc.value.empty()) doc.extensions = manual::named_extensions(doc.value, doc.description);
  doc.file = !doc.extensions.empty();
  return doc;
}

manual::ManualDoc describe_app() {
  const AppCommandLine cl = app_command_line();
  manual::ManualDoc doc;
  doc.program = "netwright";
  QString description = cl.description;
  description[0] = description[0].toLower();
  description.chop(description.endsWith('.') ? 1 : 0);
  doc.description = description.toStdString();
  doc.version = kAppVersion;
  const std::string project = QString(cl.positional_syntax).remove('[').remove(']').toStdString();
  doc.about =
      "is a desktop application for building neural networks as a graph of layers, training "
      "them with live plots of the loss and accuracy, and evaluating, exporting and importing "
      "them. netwright-cli(1) runs the same projects without a display.";
  doc.more_about = {project +
                    " is a Netwright project (.nwproj) to open: a path or a file:// URI. Without "
                    "one, netwright opens the project that was open last, or else the bundled "
                    "Fashion-MNIST MLP example. When a previous session ended with unsaved changes "
                    "(a crash), it first offers to restore them."};
  manual::OptionDoc positional;
  positional.positional = project;
  positional.description = cl.positional_description.toStdString();
  positional.extensions = manual::named_extensions({}, positional.description);
  positional.file = true;
  doc.options.push_back(positional);
  for (const QCommandLineOption& o : all_options()) doc.options.push_back(describe(o));
  doc.exit_status = {
      {"0", "Success."},
      {"1",
       "An unknown option (QCommandLineParser's own check), a PROJECT that could not be opened, "
       "or a --screenshot that could not train or be written."},
      {"2",
       "A bad option value (--screenshot-size, --screenshot-after-epochs) or more than one "
       "PROJECT."},
  };
  doc.environment = {
      {"OMP_NUM_THREADS", "CPU threads for training (default: one per physical core)."},
      {"NETWRIGHT_CUDA_PLUGIN",
       "Path of the CUDA backend plugin (libnetwright_cuda.so) to load first."},
  };
  doc.files = {
      {"~/.config/Netwright/Netwright.conf",
       "Settings: theme, view options, window layout (QSettings; under $XDG_CONFIG_HOME when "
       "set)."},
      {"~/.local/share/recently-used.xbel",
       "The desktop's list of recently used files, which File > Open Recent reads and adds to."},
      {"~/.local/share/Netwright/Netwright/recovery.nwproj",
       "Unsaved changes of the open project, kept until it is saved or closed."},
      {NW_INSTALLED_PROJECTS_DIR,
       "The bundled example projects (package netwright-examples), listed by File > New from "
       "Template. Their runs go to ~/.local/share/netwright/runs."},
  };
  doc.see_also = {"netwright-cli(1)"};
  return doc;
}

QString write(void (*writer)(std::ostream&, const manual::ManualDoc&)) {
  std::ostringstream os;
  writer(os, describe_app());
  return QString::fromStdString(os.str());
}

}  // namespace

QString app_man_page() {
  return write(manual::write_man_page);
}

QString app_bash_completion() {
  return write(manual::write_bash_completion);
}

std::optional<QString> requested_manual(int argc, const char* const* argv) {
  if (argc < 2) return std::nullopt;
  if (std::strcmp(argv[1], "--help-man") == 0) return app_man_page();
  if (std::strcmp(argv[1], "--help-bash-completion") == 0) return app_bash_completion();
  return std::nullopt;
}

}  // namespace nw::gui
