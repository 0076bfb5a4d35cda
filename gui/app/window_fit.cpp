#include "app/window_fit.h"

#include <QEvent>
#include <QPointer>
#include <QScreen>
#include <QStyle>
#include <QTimer>
#include <QWidget>

#include <algorithm>

namespace nw::gui {

namespace {

QMargins frame_of(const QWidget* window) {
  const QRect inner = window->geometry(), outer = window->frameGeometry();
  const QMargins frame(inner.left() - outer.left(), inner.top() - outer.top(),
                       outer.right() - inner.right(), outer.bottom() - inner.bottom());
  if (!frame.isNull()) return frame;
  const int border = window->style()->pixelMetric(QStyle::PM_DefaultFrameWidth) + 2;
  return {border, window->style()->pixelMetric(QStyle::PM_TitleBarHeight) + border, border, border};
}

void fit_now(QWidget* window, bool centre) {
  const QScreen* screen = window->screen();
  if (!screen || window->isMaximized() || window->isFullScreen()) return;
  const QRect room = screen->availableGeometry().marginsRemoved(frame_of(window));
  QRect g(window->geometry().topLeft(), window->size().boundedTo(room.size()));
  if (centre) g.moveCenter(room.center());
  // Inside on every side; the top left wins where the window is still larger.
  g.moveRight(std::min(g.right(), room.right()));
  g.moveBottom(std::min(g.bottom(), room.bottom()));
  g.moveLeft(std::max(g.left(), room.left()));
  g.moveTop(std::max(g.top(), room.top()));
  if (g != window->geometry()) window->setGeometry(g);
}

// Fits the window again once it is shown and its real frame is known.
class RefitOnShow : public QObject {
 public:
  RefitOnShow(QWidget* window, bool centre) : QObject(window), centre_(centre) {
    window->installEventFilter(this);
  }
  bool eventFilter(QObject* watched, QEvent* event) override {
    if (event->type() == QEvent::Show) {
      QPointer<QWidget> window = static_cast<QWidget*>(watched);
      const bool centre = centre_;
      QTimer::singleShot(0, window, [window, centre] {
        if (window) fit_now(window, centre);
      });
      deleteLater();
      watched->removeEventFilter(this);
    }
    return false;
  }

 private:
  bool centre_;
};

}  // namespace

QSize first_start_size(const QWidget* window) {
  const QScreen* screen = window->screen();
  if (!screen) return kLargestFirstSize;
  return screen->availableGeometry()
      .marginsRemoved(frame_of(window))
      .size()
      .boundedTo(kLargestFirstSize);
}

void fit_to_screen(QWidget* window, bool centre) {
  fit_now(window, centre);
  if (!window->isVisible()) new RefitOnShow(window, centre);
}

}  // namespace nw::gui
