#include "inspector/checked_line_edit.h"

#include <QFocusEvent>
#include <QKeyEvent>

namespace nw::gui {

CheckedLineEdit::CheckedLineEdit(QWidget* parent) : QLineEdit(parent) {}

void CheckedLineEdit::set_committed_text(const QString& text) {
  committed_ = text;
  if (!is_editing() && this->text() != text) setText(text);
}

void CheckedLineEdit::revert() {
  setText(committed_);
}

void CheckedLineEdit::revert_to(const QString& text) {
  committed_ = text;
  setText(text);
}

bool CheckedLineEdit::is_editing() const {
  return hasFocus() && text() != committed_;
}

void CheckedLineEdit::focusOutEvent(QFocusEvent* event) {
  // A popup (completer, context menu) taking focus is not the end of the edit.
  if (event->reason() != Qt::PopupFocusReason) finish(true);
  QLineEdit::focusOutEvent(event);
}

void CheckedLineEdit::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) {
    finish(false);
  } else if (event->key() == Qt::Key_Escape && text() != committed_) {
    revert();
    return;
  }
  QLineEdit::keyPressEvent(event);
}

bool CheckedLineEdit::acceptable() const {
  return text().isEmpty() ? empty_allowed_ : hasAcceptableInput();
}

void CheckedLineEdit::finish(bool leaving) {
  const QString t = text();
  if (t == committed_) return;
  if (!acceptable()) {
    if (leaving) revert();
    return;
  }
  committed_ = t;
  emit committed(t);
}

}  // namespace nw::gui
