#pragma once
// The inspector for one node: its type and description, id, label and trainable switch, the
// shapes the analysis inferred and its parameter count, then one editor per parameter,
// generated from the registry entry (param_field.h). Every edit goes through the document as
// an undoable command; a refused one is put back and its reason shown under the editor.
// Refreshes after each document change update the values in place: the widgets of the node
// being edited are never rebuilt, so an editor keeps focus and half-typed text.
#include <QCheckBox>
#include <QLabel>
#include <QPointer>
#include <QWidget>

#include <map>

#include "document/project_document.h"
#include "inspector/checked_line_edit.h"
#include "inspector/param_field.h"

class QGroupBox;
class QVBoxLayout;

namespace nw::gui {

class NodeInspector : public QWidget {
  Q_OBJECT

 public:
  explicit NodeInspector(ProjectDocument* document, QWidget* parent = nullptr);

  // Shows node `id`; an empty or unknown id shows nothing.
  void set_node(const QString& id);
  QString node_id() const { return id_; }

  // For the main window's shortcuts and for tests.
  ParamField* field(const QString& name) const;
  CheckedLineEdit* id_edit() const { return id_edit_; }
  QLabel* id_error() const { return id_error_; }
  CheckedLineEdit* label_edit() const { return label_edit_; }
  QCheckBox* trainable_box() const { return trainable_; }
  QLabel* type_label() const { return type_; }
  QLabel* input_label() const { return inputs_; }
  QLabel* output_label() const { return outputs_; }
  QLabel* count_label() const { return count_; }
  QLabel* diagnostics_label() const { return errors_; }
  QLabel* warnings_label() const { return warnings_; }

 signals:
  // The node shown is gone (deleted, or renamed away by an undo): the owner shows something else.
  void nodeLost();

 private:
  void build_parameters(const graph::LayerType& type);
  void graph_changed(const graph::GraphChange& change);
  // `force`: also the editors being typed in (another node is shown).
  void refresh(bool force = false);
  void refresh_shapes(const graph::Node& node, const graph::NodeInfo* info);
  void refresh_diagnostics();
  bool fields_match(const graph::LayerType& type) const;  // the editors built are type's
  // What the node uses for `spec` now: the pinned value, else the analysis' (default or
  // inferred), else the default.
  graph::ParamValue current_value(const graph::ParamSpec& spec) const;

  // From the editor: refuses what the document would misread, then set_param.
  void commit_param(ParamField* field, const graph::ParamValue& value);
  void set_param(ParamField* field, const graph::ParamValue& value);
  void pin_param(ParamField* field, bool pin);
  void unpin_param(ParamField* field);
  void rename(const QString& new_id);

  ProjectDocument* document_;
  QString id_;
  std::string built_type_;  // the type whose parameter editors are built

  QWidget* content_;
  QLabel* empty_;
  QLabel* type_;
  QLabel* category_;
  QLabel* description_;
  QLabel* errors_;
  QLabel* warnings_;
  CheckedLineEdit* id_edit_;
  QLabel* id_error_;
  CheckedLineEdit* label_edit_;
  QCheckBox* trainable_;
  QLabel* inputs_;
  QLabel* outputs_;
  QLabel* count_;
  QVBoxLayout* content_layout_;
  QPointer<QGroupBox> params_box_;
  std::map<QString, ParamField*> fields_;
};

}  // namespace nw::gui
