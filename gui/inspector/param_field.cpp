#include "inspector/param_field.h"

#include <QHBoxLayout>
#include <QVBoxLayout>

#include "inspector/inspector_style.h"

namespace nw::gui {

ParamField::ParamField(const graph::ParamSpec& spec, QWidget* parent)
    : QWidget(parent),
      editor_(make_param_editor(spec, this)),
      inferred_(make_hint_label(tr("inferred"), this)),
      pin_(new QToolButton(this)),
      reset_(new QToolButton(this)),
      error_(make_error_label(this)) {
  setObjectName(QStringLiteral("param.") + qstr(spec.name));
  setToolTip(qstr(spec.description));
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(0, 0, 0, 0);
  column->setSpacing(2);
  auto* row = new QHBoxLayout;
  row->addWidget(editor_, 1);
  row->addWidget(inferred_);
  row->addWidget(pin_);
  row->addWidget(reset_);
  column->addLayout(row);
  column->addWidget(error_);

  pin_->setText(tr("Pin"));
  pin_->setCheckable(true);
  pin_->setToolTip(
      tr("Pinned: your value is used. Unpinned: the value is inferred from the "
         "input shape."));
  pin_->setVisible(spec.inferred);
  inferred_->setVisible(false);
  reset_->setText(tr("Reset"));
  reset_->setToolTip(tr("Back to the default, %1").arg(list_text(spec.default_value)));
  reset_->setVisible(false);

  connect(editor_, &ParamEditor::committed, this, &ParamField::edited);
  connect(pin_, &QToolButton::clicked, this, [this](bool on) { emit pin_toggled(on); });
  connect(reset_, &QToolButton::clicked, this, &ParamField::reset_requested);
}

void ParamField::show_state(const graph::ParamValue& value, bool pinned, bool force) {
  pinned_ = pinned;
  const bool inferred = spec().inferred && !pinned;
  editor_->setEnabled(!inferred);
  inferred_->setVisible(inferred);
  pin_->setChecked(pinned);
  pin_->setText(pinned && spec().inferred ? tr("Unpin") : tr("Pin"));
  reset_->setVisible(pinned && !spec().inferred && !spec().default_value.is_null() &&
                     value != spec().default_value);
  if (force || !editor_->is_editing()) editor_->set_value(value);
}

void ParamField::show_error(const QString& text) {
  show_message(error_, text);
}

}  // namespace nw::gui
