#include "inspector/pair_editor.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>

namespace nw::gui {

PairEditor::PairEditor(const graph::ParamSpec& spec, QWidget* parent)
    : ParamEditor(spec, parent),
      first_(new NullableSpinBox(this)),
      second_(new NullableSpinBox(this)),
      times_(new QLabel(QStringLiteral("\u00d7"), this)),
      square_(new QCheckBox(tr("square"), this)) {
  auto* row = new QHBoxLayout(this);
  row->setContentsMargins(0, 0, 0, 0);
  for (NullableSpinBox* s : {first_, second_}) {
    s->setRange(int_min(), int_max());
    s->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  }
  first_->setToolTip(tr("height"));
  second_->setToolTip(tr("width"));
  square_->setToolTip(tr("Same height and width, written as one number"));
  row->addWidget(first_, 1);
  row->addWidget(times_);
  row->addWidget(second_, 1);
  row->addWidget(square_);
  square_->setChecked(true);
  second_->setEnabled(false);

  for (NullableSpinBox* s : {first_, second_}) {
    connect(s, &QSpinBox::valueChanged, this, &PairEditor::spin_changed);
    connect(s, &QSpinBox::editingFinished, this, &PairEditor::spin_finished);
  }
  connect(square_, &QCheckBox::toggled, this, &PairEditor::square_toggled);
}

void PairEditor::set_square_toggle_visible(bool visible) {
  toggle_visible_ = visible;
  square_->setVisible(visible);
  set_square(is_square());
}

void PairEditor::set_square(bool square) {
  QSignalBlocker block(square_);
  square_->setChecked(square);
  second_->setEnabled(!square);
  second_->setVisible(toggle_visible_ || !square);
  times_->setVisible(toggle_visible_ || !square);
  if (square && !first_->is_null()) {
    QSignalBlocker block_second(second_);
    second_->show_int(first_->value());
  }
}

bool PairEditor::is_editing() const {
  return (first_->hasFocus() && first_->typed()) || (second_->hasFocus() && second_->typed());
}

void PairEditor::show_value(const graph::ParamValue& value) {
  if (value.is_array() && value.size() == 2 && value[0].is_number() && value[1].is_number()) {
    first_->show_int(value[0].get<int>());
    second_->show_int(value[1].get<int>());
    set_square(false);
  } else if (value.is_number()) {
    first_->show_int(value.get<int>());
    second_->show_int(value.get<int>());
    set_square(true);
  } else {
    first_->show_null(empty_text(value));
    second_->show_null(QString());
    set_square(true);
  }
}

graph::ParamValue PairEditor::entered() const {
  if (is_square()) return first_->value();
  return graph::ParamValue::array({first_->value(), second_->value()});
}

void PairEditor::spin_changed() {
  if (is_square()) {
    QSignalBlocker block(second_);
    second_->show_int(first_->value());
  }
  for (NullableSpinBox* s : {first_, second_}) {
    s->set_not_null();
    s->clear_typed();
  }
  commit(entered());
}

void PairEditor::spin_finished() {
  // Typing the number the empty box holds underneath changes no value; commit it anyway.
  if (value().is_null() && (first_->typed() || second_->typed())) spin_changed();
  first_->clear_typed();
  second_->clear_typed();
}

void PairEditor::square_toggled(bool on) {
  second_->setEnabled(!on);
  // Turning square on makes the width follow the height; turning it off only frees the
  // width, so that the value changes when the user sets a different width.
  if (on && !value().is_null()) {
    QSignalBlocker block(second_);
    second_->show_int(first_->value());
    commit(entered());
  }
}

}  // namespace nw::gui
