#include "app/app_options.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QRegularExpression>

#include "app/project_argument.h"

namespace nw::gui {

AppCommandLine app_command_line() {
  auto tr = [](const char* text) { return QCoreApplication::translate("main", text); };
  return {
      tr("Build neural networks visually and train them."),
      "project",
      "[PROJECT]",
      tr("The project to open (.nwproj): a path or a file:// URI."),
      {"no-restore", tr("Do not offer to restore unsaved work left by a crash.")},
      {"screenshot", tr("Render the window with the project to a PNG file and exit."), "OUT.png"},
      {"screenshot-size", tr("Window size for --screenshot (default 1600x1000)."), "WxH"},
      {"screenshot-after-epochs",
       tr("Train N epochs before taking the screenshot, so the plots show curves."), "N"},
      {"print-startup-time",
       tr("Print the time from process start to the first frame, then exit.")},
  };
}

std::optional<AppOptions> parse_app_options(const QStringList& arguments, QString* error) {
  const AppCommandLine cl = app_command_line();
  QCommandLineParser parser;
  parser.setApplicationDescription(cl.description);
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(cl.positional_name, cl.positional_description, cl.positional_syntax);
  parser.addOptions(cl.options());
  parser.process(arguments);  // --help, --version and unknown options exit here

  AppOptions o;
  const QStringList positional = parser.positionalArguments();
  if (positional.size() > 1) {
    *error = QCoreApplication::translate("main", "expected at most one project, got %1")
                 .arg(positional.size());
    return std::nullopt;
  }
  if (!positional.isEmpty()) {
    o.project = project_path_from_argument(positional.first(), error);
    if (o.project.isEmpty()) return std::nullopt;
  }
  o.no_restore = parser.isSet(cl.no_restore);
  o.screenshot = parser.value(cl.screenshot);
  o.print_startup_time = parser.isSet(cl.print_startup_time);
  if (parser.isSet(cl.screenshot_size)) {
    const auto m = QRegularExpression("^(\\d+)x(\\d+)$").match(parser.value(cl.screenshot_size));
    if (!m.hasMatch() || m.captured(1).toInt() < 200 || m.captured(2).toInt() < 150) {
      *error = QCoreApplication::translate(
                   "main", "--screenshot-size: expected WxH of at least 200x150, got '%1'")
                   .arg(parser.value(cl.screenshot_size));
      return std::nullopt;
    }
    o.screenshot_size = QSize(m.captured(1).toInt(), m.captured(2).toInt());
  }
  if (parser.isSet(cl.screenshot_epochs)) {
    bool ok = false;
    o.screenshot_epochs = parser.value(cl.screenshot_epochs).toInt(&ok);
    if (!ok || o.screenshot_epochs < 1) {
      *error = QCoreApplication::translate(
                   "main", "--screenshot-after-epochs: expected a positive integer, got '%1'")
                   .arg(parser.value(cl.screenshot_epochs));
      return std::nullopt;
    }
  }
  if ((parser.isSet(cl.screenshot_size) || parser.isSet(cl.screenshot_epochs)) &&
      o.screenshot.isEmpty()) {
    *error = QCoreApplication::translate(
        "main", "--screenshot-size and --screenshot-after-epochs need --screenshot OUT.png");
    return std::nullopt;
  }
  return o;
}

}  // namespace nw::gui
