#include "app/startup_clock.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QFile>
#include <QTimer>
#include <QWidget>

#include <unistd.h>
#include <cstdio>
#include <ctime>

namespace nw::gui {
namespace {

QElapsedTimer main_clock;
double before_main = 0.0;

// Seconds between the process's start and now, from /proc/self/stat (field 22, starttime, in
// clock ticks since boot) and CLOCK_BOOTTIME; 0 where /proc is not there.
double process_age() {
  QFile stat("/proc/self/stat");
  if (!stat.open(QIODevice::ReadOnly)) return 0.0;
  const QByteArray text = stat.readAll();
  // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
  const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
  if (fields.size() < 20) return 0.0;
  const double start = fields[19].toDouble() / double(sysconf(_SC_CLK_TCK));  // field 22
  timespec now{};
  clock_gettime(CLOCK_BOOTTIME, &now);
  return std::max(0.0, double(now.tv_sec) + double(now.tv_nsec) * 1e-9 - start);
}

class FirstFrameFilter : public QObject {
 public:
  explicit FirstFrameFilter(QWidget* window) : QObject(window), window_(window) {}

  bool eventFilter(QObject* watched, QEvent* event) override {
    if (!done_ && event->type() == QEvent::Paint && watched->isWidgetType() &&
        static_cast<QWidget*>(watched)->window() == window_) {
      done_ = true;
      // After this paint pass returns: the frame is complete, not half drawn.
      QTimer::singleShot(0, window_, [] {
        const double total = seconds_since_process_start();
        std::printf("startup: %.3f s to the first frame (%.3f s before main)\n", total,
                    before_main);
        std::fflush(stdout);
        QApplication::quit();
      });
    }
    return false;
  }

 private:
  QWidget* window_;
  bool done_ = false;
};

}  // namespace

void mark_main_entered() {
  main_clock.start();
  before_main = process_age();
}

double seconds_since_process_start() {
  return before_main + (main_clock.isValid() ? double(main_clock.nsecsElapsed()) * 1e-9 : 0.0);
}

void report_first_frame(QWidget* window) {
  qApp->installEventFilter(new FirstFrameFilter(window));
}

}  // namespace nw::gui
