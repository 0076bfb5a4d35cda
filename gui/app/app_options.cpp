#include "app/app_options.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QRegularExpression>

#include "app/project_argument.h"

namespace nw::gui {

std::optional<AppOptions> parse_app_options(const QStringList& arguments, QString* error) {
  QCommandLineParser parser;
  parser.setApplicationDescription(
      QCoreApplication::translate("main", "Build neural networks visually and train them."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(
      "project",
      QCoreApplication::translate("main",
                                  "The project to open (.nwproj): a path or a file:// URI."),
      "[PROJECT]");
  const QCommandLineOption no_restore(
      "no-restore",
      QCoreApplication::translate("main", "Do not offer to restore unsaved work left by a crash."));
  const QCommandLineOption screenshot(
      "screenshot",
      QCoreApplication::translate("main",
                                  "Render the window with the project to a PNG file and exit."),
      "OUT.png");
  const QCommandLineOption size(
      "screenshot-size",
      QCoreApplication::translate("main", "Window size for --screenshot (default 1600x1000)."),
      "WxH");
  const QCommandLineOption epochs(
      "screenshot-after-epochs",
      QCoreApplication::translate(
          "main", "Train N epochs before taking the screenshot, so the plots show curves."),
      "N");
  const QCommandLineOption startup(
      "print-startup-time",
      QCoreApplication::translate(
          "main", "Print the time from process start to the first frame, then exit."));
  parser.addOptions({no_restore, screenshot, size, epochs, startup});
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
  o.no_restore = parser.isSet(no_restore);
  o.screenshot = parser.value(screenshot);
  o.print_startup_time = parser.isSet(startup);
  if (parser.isSet(size)) {
    const auto m = QRegularExpression("^(\\d+)x(\\d+)$").match(parser.value(size));
    if (!m.hasMatch() || m.captured(1).toInt() < 200 || m.captured(2).toInt() < 150) {
      *error = QCoreApplication::translate(
                   "main", "--screenshot-size: expected WxH of at least 200x150, got '%1'")
                   .arg(parser.value(size));
      return std::nullopt;
    }
    o.screenshot_size = QSize(m.captured(1).toInt(), m.captured(2).toInt());
  }
  if (parser.isSet(epochs)) {
    bool ok = false;
    o.screenshot_epochs = parser.value(epochs).toInt(&ok);
    if (!ok || o.screenshot_epochs < 1) {
      *error = QCoreApplication::translate(
                   "main", "--screenshot-after-epochs: expected a positive integer, got '%1'")
                   .arg(parser.value(epochs));
      return std::nullopt;
    }
  }
  if ((parser.isSet(size) || parser.isSet(epochs)) && o.screenshot.isEmpty()) {
    *error = QCoreApplication::translate(
        "main", "--screenshot-size and --screenshot-after-epochs need --screenshot OUT.png");
    return std::nullopt;
  }
  return o;
}

}  // namespace nw::gui
