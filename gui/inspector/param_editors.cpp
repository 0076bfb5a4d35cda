#include "inspector/param_editors.h"

#include <QDoubleValidator>
#include <QHBoxLayout>
#include <QLocale>
#include <QRegularExpressionValidator>

#include <cmath>

#include "inspector/inspector_style.h"
#include "inspector/pair_editor.h"

namespace nw::gui {

namespace {

QHBoxLayout* bare_row(QWidget* owner) {
  auto* row = new QHBoxLayout(owner);
  row->setContentsMargins(0, 0, 0, 0);
  return row;
}

// Bounds past this are the registry's "unbounded" (+-1e300).
bool bounded(double v) {
  return std::abs(v) < 1e299;
}

}  // namespace

// ---- Int

IntEditor::IntEditor(const graph::ParamSpec& spec, QWidget* parent)
    : ParamEditor(spec, parent), spin_(new NullableSpinBox(this)) {
  bare_row(this)->addWidget(spin_);
  spin_->setRange(int_min(), int_max());
  spin_->set_takes_refs(true);
  connect(spin_, &QSpinBox::valueChanged, this, [this](int v) {
    if (!spin_->typed_ref().isEmpty()) return;  // editingFinished commits the reference
    spin_->set_not_null();
    spin_->clear_typed();
    commit(v);
  });
  connect(spin_, &QSpinBox::editingFinished, this, [this] {
    if (const QString ref = spin_->typed_ref(); !ref.isEmpty()) {
      spin_->clear_typed_ref();
      spin_->clear_typed();
      // "$" and nothing more is no reference: the value shown stays.
      if (ref.size() > 1) commit(ref.toStdString());
      return;
    }
    // Typing the number the empty box holds underneath changes no value; commit it anyway.
    if (value().is_null() && spin_->typed()) {
      spin_->set_not_null();
      commit(spin_->value());
    }
    spin_->clear_typed();
  });
}

bool IntEditor::is_editing() const {
  return spin_->hasFocus() && spin_->typed();
}

void IntEditor::show_value(const graph::ParamValue& value) {
  if (value.is_number())
    spin_->show_int(static_cast<int>(value.get<double>()));
  else
    spin_->show_null(empty_text(value));
}

// ---- Float

FloatEditor::FloatEditor(const graph::ParamSpec& spec, QWidget* parent)
    : ParamEditor(spec, parent) {
  QHBoxLayout* row = bare_row(this);
  if (bounded(spec.min) && bounded(spec.max)) {
    spin_ = new QDoubleSpinBox(this);
    spin_->setRange(spec.min, spec.max);
    spin_->setDecimals(4);
    spin_->setSingleStep((spec.max - spec.min) / 20);
    spin_->setKeyboardTracking(false);
    row->addWidget(spin_);
    connect(spin_, &QDoubleSpinBox::valueChanged, this, [this](double v) {
      if (auto* edit = spin_->findChild<QLineEdit*>()) edit->setModified(false);
      commit(v);
    });
  } else {
    line_ = new CheckedLineEdit(this);
    auto* validator = new QDoubleValidator(bounded(spec.min) ? spec.min : -HUGE_VAL,
                                           bounded(spec.max) ? spec.max : HUGE_VAL, 12, line_);
    validator->setNotation(QDoubleValidator::ScientificNotation);
    validator->setLocale(QLocale::c());  // project files and PyTorch write 1e-05, never 1,0e-05
    line_->setValidator(validator);
    line_->setPlaceholderText(tr("required"));
    row->addWidget(line_);
    connect(line_, &CheckedLineEdit::committed, this,
            [this](const QString& text) { commit(QLocale::c().toDouble(text)); });
  }
}

bool FloatEditor::is_editing() const {
  return line_ ? line_->is_editing() : user_typing(spin_);
}

void FloatEditor::show_value(const graph::ParamValue& value) {
  if (spin_) {
    spin_->setValue(value.is_number() ? value.get<double>() : spec().min);
  } else {
    line_->set_committed_text(value.is_number() ? number_text(value.get<double>()) : QString());
  }
}

// ---- Bool

BoolEditor::BoolEditor(const graph::ParamSpec& spec, QWidget* parent)
    : ParamEditor(spec, parent), check_(new QCheckBox(this)) {
  bare_row(this)->addWidget(check_);
  connect(check_, &QCheckBox::toggled, this, [this](bool on) { commit(on); });
}

void BoolEditor::show_value(const graph::ParamValue& value) {
  check_->setChecked(value.is_boolean() && value.get<bool>());
}

// ---- Choice

ChoiceEditor::ChoiceEditor(const graph::ParamSpec& spec, QWidget* parent)
    : ParamEditor(spec, parent), combo_(make_combo(this)) {
  bare_row(this)->addWidget(combo_);
  for (const std::string& c : spec.choices) combo_->addItem(qstr(c));
  connect(combo_, &QComboBox::activated, this,
          [this](int index) { commit(sstr(combo_->itemText(index))); });
}

void ChoiceEditor::show_value(const graph::ParamValue& value) {
  combo_->setCurrentIndex(value.is_string() ? combo_->findText(qstr(value.get<std::string>()))
                                            : -1);
}

// ---- IntList

IntListEditor::IntListEditor(const graph::ParamSpec& spec, QWidget* parent)
    : ParamEditor(spec, parent), line_(new CheckedLineEdit(this)) {
  bare_row(this)->addWidget(line_);
  // Integers separated by commas or spaces, optionally in brackets; '-' only where allowed.
  const QString n = spec.min < 0 ? QStringLiteral("-?\\d+") : QStringLiteral("\\d+");
  const QString pattern =
      QStringLiteral("\\s*[\\[(]?\\s*%1(\\s*[,\\s]\\s*%1)*\\s*,?\\s*[\\])]?\\s*").arg(n);
  line_->setValidator(new QRegularExpressionValidator(QRegularExpression(pattern), line_));
  line_->setPlaceholderText(tr("e.g. 1, 28, 28"));
  connect(line_, &CheckedLineEdit::committed, this, [this](const QString& text) {
    if (auto list = parse_int_list(text)) commit(graph::ParamValue(*list));
  });
}

void IntListEditor::show_value(const graph::ParamValue& value) {
  line_->set_committed_text(value.is_array() ? list_text(value) : QString());
}

// ---- OptionalFloat

OptionalFloatEditor::OptionalFloatEditor(const graph::ParamSpec& spec, QWidget* parent)
    : ParamEditor(spec, parent),
      check_(new QCheckBox(this)),
      number_(new FloatEditor(
          [&] {
            graph::ParamSpec inner = spec;
            inner.kind = graph::ParamKind::Float;
            return inner;
          }(),
          this)) {
  QHBoxLayout* row = bare_row(this);
  row->addWidget(check_);
  row->addWidget(number_, 1);
  check_->setToolTip(tr("Checked: use the number; unchecked: none"));
  connect(check_, &QCheckBox::toggled, this, [this](bool on) {
    number_->setEnabled(on);
    commit(on ? number_->value() : graph::ParamValue());
  });
  connect(number_, &ParamEditor::committed, this,
          [this](const graph::ParamValue& v) { commit(v); });
}

void OptionalFloatEditor::show_value(const graph::ParamValue& value) {
  check_->setChecked(!value.is_null());
  number_->setEnabled(!value.is_null());
  // Unchecked, the number keeps what it showed, ready for when the box is checked again.
  if (!value.is_null() || number_->value().is_null())
    number_->set_value(value.is_null() ? graph::ParamValue(spec().default_value) : value);
}

// ---- Padding

PaddingEditor::PaddingEditor(const graph::ParamSpec& spec, QWidget* parent)
    : ParamEditor(spec, parent), mode_(make_combo(this)), pair_(new PairEditor(spec, this)) {
  QHBoxLayout* row = bare_row(this);
  mode_->addItem(tr("int"), QStringLiteral("int"));
  mode_->addItem(tr("pair"), QStringLiteral("pair"));
  for (const std::string& c : spec.choices) mode_->addItem(qstr(c), qstr(c));
  pair_->set_square_toggle_visible(false);
  row->addWidget(mode_);
  row->addWidget(pair_, 1);
  connect(mode_, &QComboBox::activated, this, &PaddingEditor::mode_chosen);
  connect(pair_, &ParamEditor::committed, this, [this](const graph::ParamValue& v) { commit(v); });
}

bool PaddingEditor::is_editing() const {
  return pair_->is_editing();
}

void PaddingEditor::show_value(const graph::ParamValue& value) {
  if (value.is_string()) {
    mode_->setCurrentIndex(mode_->findData(qstr(value.get<std::string>())));
    pair_->setEnabled(false);
    return;
  }
  mode_->setCurrentIndex(value.is_array() ? 1 : 0);
  pair_->setEnabled(true);
  pair_->set_value(value);
}

void PaddingEditor::mode_chosen(int index) {
  const QString mode = mode_->itemData(index).toString();
  if (mode != QLatin1String("int") && mode != QLatin1String("pair")) {
    pair_->setEnabled(false);
    commit(sstr(mode));
    return;
  }
  pair_->setEnabled(true);
  pair_->set_square(mode == QLatin1String("int"));
  const int h = pair_->first()->value(), w = pair_->second()->value();
  commit(mode == QLatin1String("int") ? graph::ParamValue(h) : graph::ParamValue::array({h, w}));
}

}  // namespace nw::gui
