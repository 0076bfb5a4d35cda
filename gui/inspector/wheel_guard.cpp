#include "inspector/wheel_guard.h"

#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QEvent>
#include <QPointer>
#include <QScrollBar>
#include <QWidget>

#include <vector>

namespace nw::gui {
namespace {

class WheelGuard : public QObject {
 public:
  explicit WheelGuard(QObject* parent) : QObject(parent) {}

  void add_root(QWidget* root) {
    std::erase_if(roots_, [](const QPointer<QWidget>& r) { return r.isNull(); });
    roots_.emplace_back(root);
    // Editors already polished before the root was protected.
    for (QWidget* w : root->findChildren<QWidget*>())
      if (is_wheel_editor(w)) w->setFocusPolicy(Qt::StrongFocus);
  }

  bool eventFilter(QObject* watched, QEvent* event) override {
    const QEvent::Type type = event->type();
    if (type != QEvent::Polish && type != QEvent::Wheel) return false;
    if (!watched->isWidgetType()) return false;
    auto* widget = static_cast<QWidget*>(watched);
    if (!is_wheel_editor(widget) || !protected_widget(widget)) return false;
    if (type == QEvent::Polish) {
      // NOTE: Qt gives a WheelFocus widget the focus *before* delivering the wheel, so the
      // policy must be StrongFocus already: Tab and a click still focus it.
      widget->setFocusPolicy(Qt::StrongFocus);
      return false;
    }
    if (widget->hasFocus()) return false;
    // Ignored and consumed: QApplication offers an ignored wheel to the parent, up to the
    // scroll area, which scrolls.
    event->ignore();
    return true;
  }

 private:
  bool protected_widget(const QWidget* w) const {
    for (; w; w = w->parentWidget())
      for (const QPointer<QWidget>& root : roots_)
        if (root == w) return true;
    return false;
  }

  std::vector<QPointer<QWidget>> roots_;
};

WheelGuard* guard() {
  static QPointer<WheelGuard> instance;
  if (!instance) {
    instance = new WheelGuard(qApp);
    qApp->installEventFilter(instance);
  }
  return instance;
}

}  // namespace

bool is_wheel_editor(const QWidget* widget) {
  // A scroll bar is how the form scrolls, not a setting.
  if (qobject_cast<const QScrollBar*>(widget)) return false;
  return qobject_cast<const QAbstractSpinBox*>(widget) || qobject_cast<const QComboBox*>(widget) ||
         qobject_cast<const QAbstractSlider*>(widget);
}

void protect_from_wheel(QWidget* root) {
  guard()->add_root(root);
}

}  // namespace nw::gui
