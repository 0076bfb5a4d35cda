#pragma once
// One parameter's row in the node inspector: the generated editor, and for an inferred
// parameter an "inferred" mark and a pin button (pinned: the user's value, editable; unpinned:
// the inferred value, greyed). A pinned parameter with a default has a reset button. The
// reason for a refused edit shows in red under the editor.
#include <QLabel>
#include <QToolButton>
#include <QWidget>

#include "inspector/param_editor.h"

namespace nw::gui {

class ParamField : public QWidget {
  Q_OBJECT

 public:
  explicit ParamField(const graph::ParamSpec& spec, QWidget* parent = nullptr);

  const graph::ParamSpec& spec() const { return editor_->spec(); }
  ParamEditor* editor() const { return editor_; }
  QToolButton* pin_button() const { return pin_; }
  QToolButton* reset_button() const { return reset_; }
  QLabel* inferred_mark() const { return inferred_; }
  QLabel* error_label() const { return error_; }
  bool is_pinned() const { return pinned_; }

  // `value` is what the node uses (pinned, default or inferred; null when unknown); `pinned`
  // whether the user set it. Leaves an editor the user is typing in alone unless `force`
  // (another node is shown: what was typed belongs to the previous one).
  void show_state(const graph::ParamValue& value, bool pinned, bool force = false);
  // Puts `value` back into the editor, even while focused (after a refusal).
  void revert_to(const graph::ParamValue& value) { editor_->set_value(value); }
  void show_error(const QString& text);  // empty hides it

 signals:
  void edited(const nw::graph::ParamValue& value);
  void pin_toggled(bool pinned);
  void reset_requested();

 private:
  ParamEditor* editor_;
  QLabel* inferred_;
  QToolButton* pin_;
  QToolButton* reset_;
  QLabel* error_;
  bool pinned_ = false;
};

}  // namespace nw::gui
