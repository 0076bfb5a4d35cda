#pragma once
// IntPair: a size that is one number (square: 3) or height and width ([3, 5]). Two spin boxes
// linked by a "square" switch: while it is on, the second follows the first and the value is
// written as one number, the way PyTorch users write kernel_size=3.
#include <QCheckBox>

#include "inspector/nullable_spin_box.h"
#include "inspector/param_editor.h"

namespace nw::gui {

class PairEditor : public ParamEditor {
  Q_OBJECT

 public:
  explicit PairEditor(const graph::ParamSpec& spec, QWidget* parent = nullptr);

  NullableSpinBox* first() const { return first_; }    // height
  NullableSpinBox* second() const { return second_; }  // width
  QCheckBox* square_box() const { return square_; }
  bool is_square() const { return square_->isChecked(); }
  // Switches the square form on or off without committing (PaddingEditor's "int"/"pair").
  void set_square(bool square);
  // Without the toggle (PaddingEditor chooses "int" or "pair" itself), the square form shows
  // one spin box only.
  void set_square_toggle_visible(bool visible);
  bool is_editing() const override;

 protected:
  void show_value(const graph::ParamValue& value) override;

 private:
  void spin_changed();
  void spin_finished();
  void square_toggled(bool on);
  graph::ParamValue entered() const;  // 3 or [3, 5], from the spin boxes

  NullableSpinBox* first_;
  NullableSpinBox* second_;
  QWidget* times_;
  QCheckBox* square_;
  bool toggle_visible_ = true;
};

}  // namespace nw::gui
