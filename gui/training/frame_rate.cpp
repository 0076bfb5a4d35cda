#include "training/frame_rate.h"

#include <QGuiApplication>
#include <QScreen>
#include <QWidget>

#include <algorithm>
#include <cmath>

namespace nw::gui {

int frame_interval_ms(const QWidget* widget) {
  const QScreen* screen = widget ? widget->screen() : nullptr;
  if (!screen) screen = QGuiApplication::primaryScreen();
  const double hz = screen ? screen->refreshRate() : 0.0;
  const int floor_ms = int(std::ceil(1000.0 / kMaxFrameRate));
  return hz > 0.0 ? std::max(floor_ms, int(std::ceil(1000.0 / hz))) : floor_ms;
}

bool on_screen(const QWidget* widget) {
  if (!widget || !widget->isVisible()) return false;
  const QWidget* window = widget->window();
  return window->isVisible() && !window->isMinimized();
}

Throttle::Throttle(int interval_ms, std::function<void()> apply, QObject* parent)
    : QObject(parent), apply_(std::move(apply)), interval_ms_(interval_ms) {
  timer_.setSingleShot(true);
  connect(&timer_, &QTimer::timeout, this, &Throttle::apply_now);
}

void Throttle::request() {
  if (timer_.isActive()) return;
  const qint64 ago = since_.isValid() ? since_.elapsed() : interval_ms_;
  if (ago >= interval_ms_)
    apply_now();
  else
    timer_.start(int(interval_ms_ - ago));
}

void Throttle::flush() {
  if (timer_.isActive()) apply_now();
}

void Throttle::cancel() {
  timer_.stop();
}

void Throttle::apply_now() {
  timer_.stop();
  since_.start();
  apply_();
}

}  // namespace nw::gui
