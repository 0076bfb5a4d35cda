#pragma once
// The base of the editors the inspector generates from a ParamSpec (one per ParamKind, see
// param_editors.h and pair_editor.h). An editor shows one value (JSON, as in the project file;
// null when there is none) and reports what the user enters through `committed`; it never
// talks to the document. Each refuses malformed input itself (ranges, validators); what only
// the model can judge comes back as a refusal, and the owner puts the old value back.
#include <QWidget>

#include "graph/registry.h"

namespace nw::gui {

class ParamEditor : public QWidget {
  Q_OBJECT

 public:
  explicit ParamEditor(graph::ParamSpec spec, QWidget* parent = nullptr);

  const graph::ParamSpec& spec() const { return spec_; }
  // Shows `value` without emitting `committed`; null shows an empty field.
  void set_value(const graph::ParamValue& value);
  const graph::ParamValue& value() const { return value_; }
  // True while the user has typed something not yet committed; refreshes then skip the editor.
  virtual bool is_editing() const { return false; }

 signals:
  // The user entered a new, well-formed value.
  void committed(const nw::graph::ParamValue& value);

 protected:
  // Puts `value` into the widgets, with their signals blocked by the caller.
  virtual void show_value(const graph::ParamValue& value) = 0;
  // For subclasses: the user entered `value`; emits `committed` when it differs from the shown one.
  void commit(const graph::ParamValue& value);
  // What an empty field says: inside a block body, the block parameter a value refers to
  // ("$channels", ["$k", 1]); else "unknown" (inferred) or "required".
  QString empty_text(const graph::ParamValue& value) const;
  // The spec's bounds clamped to what an int spin box holds.
  int int_min() const;
  int int_max() const;

 private:
  graph::ParamSpec spec_;
  graph::ParamValue value_;
};

// The editor for spec.kind: IntEditor, FloatEditor, BoolEditor, ChoiceEditor, PairEditor,
// IntListEditor, OptionalFloatEditor or PaddingEditor. Its tooltip is spec.description.
ParamEditor* make_param_editor(const graph::ParamSpec& spec, QWidget* parent = nullptr);

}  // namespace nw::gui
