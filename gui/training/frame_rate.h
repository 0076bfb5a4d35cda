#pragma once
// How often the training views redraw. The eye needs no more than about 30 frames a second of a
// curve that grows, nor more than a few of a number it has to read; a hidden or minimised window
// needs almost none. Every redraw costs the GUI thread a share of the core that training uses.
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>

class QWidget;

namespace nw::gui {

inline constexpr int kMaxFrameRate = 30;       // curves
inline constexpr int kTextIntervalMs = 250;    // numbers and progress bars: 4 a second
inline constexpr int kHiddenIntervalMs = 500;  // nothing on screen: 2 a second

// The frame interval for `widget`'s screen (the primary screen when it has none yet): its
// refresh period, but never shorter than 1/kMaxFrameRate.
int frame_interval_ms(const QWidget* widget = nullptr);

// True when `widget` can be seen: shown, and its window neither hidden nor minimised.
bool on_screen(const QWidget* widget);

// Runs `apply` at most once per interval: at once when the last run was longer ago, else once at
// the end of the interval, so the latest request is always applied.
class Throttle : public QObject {
 public:
  Throttle(int interval_ms, std::function<void()> apply, QObject* parent = nullptr);
  void request();
  void flush();   // a pending request, applied now
  void cancel();  // a pending request, dropped

 private:
  void apply_now();

  std::function<void()> apply_;
  QTimer timer_;
  QElapsedTimer since_;
  int interval_ms_;
};

}  // namespace nw::gui
