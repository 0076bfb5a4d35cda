// netwright: the desktop application. See app/app_options.h for the command line.
#include <QApplication>
#include <QDir>

#include <cstdio>

#include "app/app_manual.h"
#include "app/app_options.h"
#include "app/main_window.h"
#include "app/screenshot.h"
#include "app/startup_clock.h"
#include "app/theme.h"
#include "backend/threads.h"

int main(int argc, char** argv) {
  // Before QApplication, so the build can print these with no display (cmake/manual.cmake).
  if (const auto manual = nw::gui::requested_manual(argc, argv)) {
    std::fputs(manual->toUtf8().constData(), stdout);
    return 0;
  }
  nw::start_with_passive_openmp(argv);
  nw::gui::mark_main_entered();
  QApplication app(argc, argv);
  QApplication::setOrganizationName("Netwright");
  QApplication::setApplicationName("Netwright");
  QApplication::setApplicationVersion(nw::gui::kAppVersion);
  // The installed desktop entry (packaging/linux): Wayland and the task bar match windows by it.
  QGuiApplication::setDesktopFileName("org.netwright.Netwright");
  QApplication::setWindowIcon(QIcon(":/icons/netwright.svg"));

  QString error;
  const auto options = nw::gui::parse_app_options(QApplication::arguments(), &error);
  if (!options) {
    std::fprintf(stderr, "netwright: %s\n", qPrintable(error));
    return 2;
  }
  const bool batch = !options->screenshot.isEmpty() || options->print_startup_time;
  nw::gui::apply_theme(nw::gui::saved_theme());

  nw::gui::WindowHooks hooks;
  // A one-shot run never stops to ask, nor depends on the last session's window layout.
  hooks.offer_recovery = !options->no_restore && !batch;
  hooks.restore_layout = !batch;
  nw::gui::MainWindow window(std::move(hooks));

  if (!options->project.isEmpty()) {
    if (!window.open_project(options->project, &error)) {
      std::fprintf(stderr, "netwright: %s\n", qPrintable(error));
      return 1;
    }
  } else if (!window.restored() && !window.open_default_project(&error)) {
    // Not fatal: the window starts with a new project and says why in the messages panel.
    std::fprintf(stderr, "netwright: %s\n", qPrintable(error));
  }

  if (!options->screenshot.isEmpty())
    return nw::gui::take_screenshot(
        window, {options->screenshot, options->screenshot_size, options->screenshot_epochs});
  if (options->print_startup_time) nw::gui::report_first_frame(&window);
  window.show();
  return QApplication::exec();
}
