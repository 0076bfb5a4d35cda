#include "inspector/node_inspector.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QRegularExpressionValidator>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include "inspector/inspector_style.h"

namespace nw::gui {

NodeInspector::NodeInspector(ProjectDocument* document, QWidget* parent)
    : QWidget(parent),
      document_(document),
      content_(new QWidget(this)),
      empty_(make_hint_label(tr("Select one node to see its settings."), this)),
      type_(new QLabel(content_)),
      category_(make_hint_label({}, content_)),
      description_(make_hint_label({}, content_)),
      errors_(make_error_label(content_)),
      warnings_(make_warning_label(content_)),
      id_edit_(new CheckedLineEdit(content_)),
      id_error_(make_error_label(content_)),
      label_edit_(new CheckedLineEdit(content_)),
      trainable_(new QCheckBox(tr("Train this node's parameters"), content_)),
      inputs_(new QLabel(content_)),
      outputs_(new QLabel(content_)),
      count_(new QLabel(content_)) {
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(0, 0, 0, 0);
  outer->addWidget(empty_);
  outer->addWidget(content_);
  empty_->setAlignment(Qt::AlignCenter);
  empty_->setWordWrap(true);

  content_layout_ = new QVBoxLayout(content_);
  content_layout_->setContentsMargins(0, 0, 0, 0);

  // Header: type (larger, bold), category, one-line description, then the node's problems.
  QFont title = type_->font();
  title.setBold(true);
  title.setPointSizeF(title.pointSizeF() * 1.25);
  type_->setFont(title);
  auto* heading = new QHBoxLayout;
  heading->addWidget(type_);
  heading->addStretch(1);
  heading->addWidget(category_);
  description_->setWordWrap(true);
  content_layout_->addLayout(heading);
  content_layout_->addWidget(description_);
  content_layout_->addWidget(errors_);
  content_layout_->addWidget(warnings_);

  QFormLayout* node_form = make_form();
  auto* id_column = new QVBoxLayout;
  id_column->setSpacing(2);
  id_column->addWidget(id_edit_);
  id_column->addWidget(id_error_);
  id_edit_->setObjectName(QStringLiteral("node.id"));
  id_edit_->setValidator(new QRegularExpressionValidator(
      QRegularExpression(QStringLiteral("[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")), id_edit_));
  id_edit_->setToolTip(
      tr("Stable name of the node; also the prefix of its weights in "
         "checkpoints (fc1 -> fc1.weight)"));
  label_edit_->setObjectName(QStringLiteral("node.label"));
  label_edit_->set_empty_allowed(true);
  label_edit_->setPlaceholderText(tr("shown instead of the id"));
  trainable_->setObjectName(QStringLiteral("node.trainable"));
  trainable_->setToolTip(tr("Unchecked: the parameters stay as they are (frozen) in training"));
  node_form->addRow(tr("Id"), id_column);
  node_form->addRow(tr("Label"), label_edit_);
  node_form->addRow(QString(), trainable_);
  content_layout_->addWidget(make_section(tr("Node"), node_form, content_));

  QFormLayout* shape_form = make_form();
  for (QLabel* l : {inputs_, outputs_, count_}) {
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    l->setWordWrap(true);
  }
  shape_form->addRow(tr("Input"), inputs_);
  shape_form->addRow(tr("Output"), outputs_);
  shape_form->addRow(tr("Parameters"), count_);
  content_layout_->addWidget(make_section(tr("Shape"), shape_form, content_));
  content_layout_->addStretch(1);

  connect(id_edit_, &CheckedLineEdit::committed, this, &NodeInspector::rename);
  connect(label_edit_, &CheckedLineEdit::committed, this,
          [this](const QString& text) { document_->set_label(id_, text); });
  connect(trainable_, &QCheckBox::toggled, this,
          [this](bool on) { document_->set_trainable(id_, on); });
  connect(document_, &ProjectDocument::graphChanged, this, &NodeInspector::graph_changed);
  connect(document_, &ProjectDocument::analysisChanged, this, [this] { refresh(); });

  set_node({});
}

void NodeInspector::set_node(const QString& id) {
  const graph::Node* node = id.isEmpty() ? nullptr : document_->graph().find(sstr(id));
  const QString previous = id_;
  id_ = node ? id : QString();
  if (id_ == previous) {
    refresh();
    return;
  }
  // Another node of the same type keeps the editors (refresh() rebuilds only for another
  // type); the reasons shown, and anything half-typed, belong to the previous node.
  for (auto& [name, f] : fields_) f->show_error({});
  show_message(id_error_, {});
  refresh(true);
}

// A block's definition can change under the same type name (edited inside, or undone): its
// parameters are then other ones.
bool NodeInspector::fields_match(const graph::LayerType& type) const {
  if (fields_.size() != type.params.size()) return false;
  for (const graph::ParamSpec& spec : type.params) {
    const ParamField* f = field(qstr(spec.name));
    if (!f || f->spec().kind != spec.kind) return false;
  }
  return true;
}

ParamField* NodeInspector::field(const QString& name) const {
  auto it = fields_.find(name);
  return it == fields_.end() ? nullptr : it->second;
}

void NodeInspector::build_parameters(const graph::LayerType& type) {
  if (params_box_) {  // later, not now: one of its editors may be the one emitting
    params_box_->hide();
    params_box_->deleteLater();
  }
  fields_.clear();
  built_type_ = type.name;
  QFormLayout* form = make_form();
  for (const graph::ParamSpec& spec : type.params) {
    auto* f = new ParamField(spec);
    auto* label = new QLabel(qstr(spec.name));
    label->setToolTip(qstr(spec.description));
    label->setBuddy(f->editor());
    form->addRow(label, f);
    fields_[qstr(spec.name)] = f;
    connect(f, &ParamField::edited, this,
            [this, f](const graph::ParamValue& v) { commit_param(f, v); });
    connect(f, &ParamField::pin_toggled, this, [this, f](bool on) { pin_param(f, on); });
    connect(f, &ParamField::reset_requested, this, [this, f] { unpin_param(f); });
  }
  if (type.params.empty()) form->addRow(make_hint_label(tr("This layer has no parameters.")));
  params_box_ = make_section(tr("Parameters"), form, content_);
  // Above the trailing stretch.
  content_layout_->insertWidget(content_layout_->count() - 1, params_box_);
}

void NodeInspector::graph_changed(const graph::GraphChange& change) {
  using Kind = graph::GraphChange::Kind;
  if (id_.isEmpty()) return;
  if (change.kind == Kind::NodeRenamed && qstr(change.old_id) == id_) id_ = qstr(change.node);
  if (!document_->graph().find(sstr(id_))) {
    id_.clear();
    refresh();
    emit nodeLost();
    return;
  }
  refresh();
}

graph::ParamValue NodeInspector::current_value(const graph::ParamSpec& spec) const {
  const graph::Node* node = document_->graph().find(sstr(id_));
  if (node) {
    if (auto it = node->params.find(spec.name); it != node->params.end()) return it->second;
    const auto& infos = document_->analysis().nodes;
    if (auto info = infos.find(node->id); info != infos.end()) {
      if (auto p = info->second.params.find(spec.name); p != info->second.params.end())
        return p->second;
    }
  }
  return spec.inferred ? graph::ParamValue() : spec.default_value;
}

void NodeInspector::refresh(bool force) {
  const graph::Node* node = id_.isEmpty() ? nullptr : document_->graph().find(sstr(id_));
  const graph::LayerType* type = node ? document_->graph().find_type(node->type) : nullptr;
  empty_->setVisible(!type);
  content_->setVisible(type);
  if (!type) return;
  if (type->name != built_type_ || !params_box_ || !fields_match(*type)) build_parameters(*type);

  type_->setText(qstr(type->name));
  category_->setText(qstr(type->category));
  description_->setText(qstr(type->description));
  if (force) {
    id_edit_->revert_to(id_);
    label_edit_->revert_to(qstr(node->label));
  } else {
    id_edit_->set_committed_text(id_);
    label_edit_->set_committed_text(qstr(node->label));
  }
  {
    QSignalBlocker block(trainable_);
    trainable_->setChecked(node->trainable);
  }
  const auto& infos = document_->analysis().nodes;
  auto info = infos.find(node->id);
  refresh_shapes(*node, info == infos.end() ? nullptr : &info->second);
  refresh_diagnostics();
  for (const graph::ParamSpec& spec : type->params)
    if (ParamField* f = field(qstr(spec.name)))
      f->show_state(current_value(spec), node->params.count(spec.name) > 0, force);
}

// An OptionalFloat's null (its box unchecked) is PyTorch's None, pinned like any value; the
// reset button is what goes back to the default.
void NodeInspector::commit_param(ParamField* f, const graph::ParamValue& value) {
  set_param(f, value);
}

void NodeInspector::unpin_param(ParamField* f) {
  const graph::ParamValue before = current_value(f->spec());
  QString why;
  if (!document_->unset_param(id_, qstr(f->spec().name), &why)) {
    f->revert_to(before);
    f->show_error(why);
    return;
  }
  f->show_error({});
}

void NodeInspector::set_param(ParamField* f, const graph::ParamValue& value) {
  const graph::ParamSpec& spec = f->spec();
  const graph::ParamValue before = current_value(spec);
  QString why;
  if (!document_->set_param(id_, qstr(spec.name), value, &why)) {
    f->revert_to(before);
    f->show_error(why);
    return;
  }
  f->show_error({});
}

void NodeInspector::pin_param(ParamField* f, bool pin) {
  if (!pin) {
    unpin_param(f);
    return;
  }
  // Pinning keeps the value the node uses now, so that nothing changes until the user edits it.
  graph::ParamValue value = current_value(f->spec());
  if (value.is_null()) value = f->spec().default_value;
  if (value.is_null()) {  // nothing inferred yet (no input shape): the smallest valid value
    const int64_t least = static_cast<int64_t>(std::max(1.0, f->spec().min));
    value = f->spec().kind == graph::ParamKind::IntList ? graph::ParamValue::array({least})
                                                        : graph::ParamValue(least);
  }
  if (f->spec().kind == graph::ParamKind::Int || f->spec().kind == graph::ParamKind::IntPair)
    if (value.is_number()) value = value.get<int64_t>();
  set_param(f, value);
  refresh();  // a refused pin leaves the button as it was
}

void NodeInspector::rename(const QString& new_id) {
  const QString old = id_;
  QString why;
  if (!document_->rename_node(old, new_id, &why)) {
    id_edit_->revert_to(old);
    show_message(id_error_, why);
    return;
  }
  show_message(id_error_, {});
  if (document_->graph().find(sstr(new_id))) id_ = new_id;
  refresh();
}

}  // namespace nw::gui
