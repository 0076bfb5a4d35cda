#pragma once
// A line edit that commits only what its validator accepts. Enter or leaving the field commits
// the text when it changed; leaving it with text the validator does not accept puts the last
// committed text back, so a half-typed value never lingers. Refreshes from the model go through
// set_committed_text, which leaves the field alone while the user is typing in it.
#include <QLineEdit>

namespace nw::gui {

class CheckedLineEdit : public QLineEdit {
  Q_OBJECT

 public:
  explicit CheckedLineEdit(QWidget* parent = nullptr);

  // The value as the model holds it. Shown unless the user is typing something else.
  void set_committed_text(const QString& text);
  QString committed_text() const { return committed_; }
  // Puts the committed text back.
  void revert();
  // The model refused what was committed: `text` is the committed text again, and shown.
  void revert_to(const QString& text);
  // Focused and holding text that differs from the committed one.
  bool is_editing() const;
  // An empty field commits (as "unset") only when empty text is allowed.
  void set_empty_allowed(bool allowed) { empty_allowed_ = allowed; }

 signals:
  // The user finished typing acceptable text that differs from the committed text.
  void committed(const QString& text);

 protected:
  void focusOutEvent(QFocusEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

 private:
  bool acceptable() const;
  // Commits acceptable changed text; otherwise reverts when leaving, keeps it on Enter.
  void finish(bool leaving);

  QString committed_;
  bool empty_allowed_ = false;
};

}  // namespace nw::gui
