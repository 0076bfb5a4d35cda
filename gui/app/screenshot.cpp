#include "app/screenshot.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QPixmap>
#include <QTimer>

#include <cstdio>

#include "app/main_window.h"

namespace nw::gui {
namespace {

// Runs the event loop for `ms`: layouts, deferred updates and the first paints settle.
void settle(int ms) {
  QEventLoop loop;
  QTimer::singleShot(ms, &loop, &QEventLoop::quit);
  loop.exec();
}

}  // namespace

int take_screenshot(MainWindow& window, const ScreenshotRequest& request) {
  window.resize(request.size);
  window.show();
  settle(300);
  window.fit_graph();
  if (request.epochs > 0) {
    QString why;
    if (!window.train_epochs(request.epochs, &why)) {
      std::fprintf(stderr, "netwright: cannot train for the screenshot: %s\n", qPrintable(why));
      return 1;
    }
    settle(300);  // the last plot points and the evaluation view
  }
  window.fit_graph();
  settle(200);
  const QPixmap pixmap = window.grab();
  if (pixmap.isNull() || !pixmap.save(request.path, "PNG")) {
    std::fprintf(stderr, "netwright: cannot write the screenshot %s\n",
                 qPrintable(QDir::toNativeSeparators(request.path)));
    return 1;
  }
  std::printf("wrote %s (%dx%d)\n", qPrintable(QDir::toNativeSeparators(request.path)),
              pixmap.width(), pixmap.height());
  return 0;
}

}  // namespace nw::gui
