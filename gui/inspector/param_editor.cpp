#include "inspector/param_editor.h"

#include <QSignalBlocker>

#include <algorithm>
#include <climits>
#include <memory>
#include <vector>

#include "graph/block.h"
#include "inspector/inspector_style.h"
#include "inspector/pair_editor.h"
#include "inspector/param_editors.h"

namespace nw::gui {

ParamEditor::ParamEditor(graph::ParamSpec spec, QWidget* parent)
    : QWidget(parent), spec_(std::move(spec)) {
  setToolTip(qstr(spec_.description));
}

void ParamEditor::set_value(const graph::ParamValue& value) {
  value_ = value;
  // Blocks the signals of every child widget, so that showing never reads as the user's edit.
  std::vector<std::unique_ptr<QSignalBlocker>> blockers;
  for (QObject* child : findChildren<QObject*>())
    blockers.push_back(std::make_unique<QSignalBlocker>(child));
  show_value(value);
}

void ParamEditor::commit(const graph::ParamValue& value) {
  if (value == value_) return;
  value_ = value;
  emit committed(value);
}

QString ParamEditor::empty_text(const graph::ParamValue& value) const {
  if (graph::has_param_ref(value))
    return qstr(value.is_string() ? value.get<std::string>() : value.dump());
  return spec_.inferred ? tr("unknown") : tr("required");
}

int ParamEditor::int_min() const {
  return static_cast<int>(std::clamp<double>(spec_.min, INT_MIN, INT_MAX));
}

int ParamEditor::int_max() const {
  return static_cast<int>(std::clamp<double>(spec_.max, INT_MIN, INT_MAX));
}

ParamEditor* make_param_editor(const graph::ParamSpec& spec, QWidget* parent) {
  using graph::ParamKind;
  switch (spec.kind) {
    case ParamKind::Int:
      return new IntEditor(spec, parent);
    case ParamKind::Float:
      return new FloatEditor(spec, parent);
    case ParamKind::Bool:
      return new BoolEditor(spec, parent);
    case ParamKind::Choice:
      return new ChoiceEditor(spec, parent);
    case ParamKind::IntPair:
      return new PairEditor(spec, parent);
    case ParamKind::IntList:
      return new IntListEditor(spec, parent);
    case ParamKind::OptionalFloat:
      return new OptionalFloatEditor(spec, parent);
    case ParamKind::Padding:
      return new PaddingEditor(spec, parent);
    default:  // the training kinds' argument kinds: Registry::add refuses them on layers
      break;
  }
  return new IntEditor(spec, parent);
}

}  // namespace nw::gui
