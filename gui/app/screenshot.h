#pragma once
// netwright --screenshot: shows the window at a fixed size with the project loaded, fits the
// graph, optionally trains a few epochs so the plots have curves, and renders the window with
// QWidget::grab() to a PNG. Works under xvfb-run and under QT_QPA_PLATFORM=offscreen.
#include <QSize>
#include <QString>

namespace nw::gui {

class MainWindow;

struct ScreenshotRequest {
  QString path;  // .png
  QSize size{1600, 1000};
  int epochs = 0;  // > 0: train this many epochs first
};

// Returns the process exit code: 0 when the PNG was written, 1 otherwise (the reason is printed
// to stderr).
int take_screenshot(MainWindow& window, const ScreenshotRequest& request);

}  // namespace nw::gui
