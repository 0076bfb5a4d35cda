#pragma once
// The `netwright` command line:
//   netwright [PROJECT] [--no-restore]
//   netwright --screenshot OUT.png [PROJECT] [--screenshot-size WxH] [--screenshot-after-epochs N]
//   netwright --print-startup-time [PROJECT]
#include <QCommandLineOption>
#include <QList>
#include <QSize>
#include <QString>
#include <QStringList>

#include <optional>

namespace nw::gui {

// NOTE: keep in step with project(Netwright VERSION ...) in the top CMakeLists.txt.
inline constexpr const char* kAppVersion = "0.1.0";

struct AppOptions {
  QString project;          // absolute; empty: the last open project, else the bundled MLP
  bool no_restore = false;  // do not offer a crashed session's recovery file
  QString screenshot;       // non-empty: render the window to this PNG and exit
  QSize screenshot_size{1600, 1000};
  int screenshot_epochs = 0;        // train this many epochs before the screenshot
  bool print_startup_time = false;  // print the time to the first frame and exit
};

// The command line, declared once: parse_app_options reads it, and app_manual.h writes the man
// page and bash completion from it. QCommandLineParser adds -h/--help and -v/--version itself.
struct AppCommandLine {
  QString description;
  QString positional_name, positional_syntax, positional_description;
  QCommandLineOption no_restore, screenshot, screenshot_size, screenshot_epochs, print_startup_time;
  // In --help's order.
  QList<QCommandLineOption> options() const {
    return {no_restore, screenshot, screenshot_size, screenshot_epochs, print_startup_time};
  }
};
AppCommandLine app_command_line();

// Parses the application's arguments. --help and --version print and exit (QCommandLineParser);
// a bad value returns nothing with `error` set.
std::optional<AppOptions> parse_app_options(const QStringList& arguments, QString* error);

}  // namespace nw::gui
