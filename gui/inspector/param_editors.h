#pragma once
// One editor per ParamKind (IntPair is pair_editor.h). Spin boxes take their range from the
// spec and commit on Enter, on leaving the field and on each arrow step, never per keystroke.
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>

#include "inspector/checked_line_edit.h"
#include "inspector/nullable_spin_box.h"
#include "inspector/param_editor.h"

namespace nw::gui {

class PairEditor;

// Int: a spin box over [spec.min, spec.max]. With no value it shows empty ("required").
class IntEditor : public ParamEditor {
  Q_OBJECT

 public:
  explicit IntEditor(const graph::ParamSpec& spec, QWidget* parent = nullptr);
  NullableSpinBox* spin_box() const { return spin_; }
  bool is_editing() const override;

 protected:
  void show_value(const graph::ParamValue& value) override;

 private:
  NullableSpinBox* spin_;
};

// Float: a spin box when the range is bounded on both sides (a probability), otherwise a
// validated line edit that also takes values such as 1e-5.
class FloatEditor : public ParamEditor {
  Q_OBJECT

 public:
  explicit FloatEditor(const graph::ParamSpec& spec, QWidget* parent = nullptr);
  double minimum() const { return spec().min; }
  double maximum() const { return spec().max; }
  QDoubleSpinBox* spin_box() const { return spin_; }    // null for the line edit form
  CheckedLineEdit* line_edit() const { return line_; }  // null for the spin box form
  bool is_editing() const override;

 protected:
  void show_value(const graph::ParamValue& value) override;

 private:
  QDoubleSpinBox* spin_ = nullptr;
  CheckedLineEdit* line_ = nullptr;
};

class BoolEditor : public ParamEditor {
  Q_OBJECT

 public:
  explicit BoolEditor(const graph::ParamSpec& spec, QWidget* parent = nullptr);
  QCheckBox* check_box() const { return check_; }

 protected:
  void show_value(const graph::ParamValue& value) override;

 private:
  QCheckBox* check_;
};

class ChoiceEditor : public ParamEditor {
  Q_OBJECT

 public:
  explicit ChoiceEditor(const graph::ParamSpec& spec, QWidget* parent = nullptr);
  QComboBox* combo_box() const { return combo_; }

 protected:
  void show_value(const graph::ParamValue& value) override;

 private:
  QComboBox* combo_;
};

// IntList: "1, 28, 28" in a line edit that admits only integers (and '-' where the range does).
class IntListEditor : public ParamEditor {
  Q_OBJECT

 public:
  explicit IntListEditor(const graph::ParamSpec& spec, QWidget* parent = nullptr);
  CheckedLineEdit* line_edit() const { return line_; }
  bool is_editing() const override { return line_->is_editing(); }

 protected:
  void show_value(const graph::ParamValue& value) override;

 private:
  CheckedLineEdit* line_;
};

// OptionalFloat: a check box ("set") and the number. Unchecking commits null: PyTorch's None
// (BatchNorm's momentum=None, a cumulative average), pinned like any other value.
class OptionalFloatEditor : public ParamEditor {
  Q_OBJECT

 public:
  explicit OptionalFloatEditor(const graph::ParamSpec& spec, QWidget* parent = nullptr);
  QCheckBox* check_box() const { return check_; }
  FloatEditor* number() const { return number_; }
  bool is_editing() const override { return number_->is_editing(); }

 protected:
  void show_value(const graph::ParamValue& value) override;

 private:
  QCheckBox* check_;
  FloatEditor* number_;
};

// Padding: a mode ("int", "pair", then the spec's words such as "same" and "valid") and the
// numbers for the first two.
class PaddingEditor : public ParamEditor {
  Q_OBJECT

 public:
  explicit PaddingEditor(const graph::ParamSpec& spec, QWidget* parent = nullptr);
  QComboBox* mode_box() const { return mode_; }
  PairEditor* pair() const { return pair_; }
  bool is_editing() const override;

 protected:
  void show_value(const graph::ParamValue& value) override;

 private:
  void mode_chosen(int index);

  QComboBox* mode_;
  PairEditor* pair_;
};

}  // namespace nw::gui
