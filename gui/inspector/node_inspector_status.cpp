// NodeInspector's read-only parts: the shapes on its ports, its parameter count and the
// analysis' diagnostics for it.
#include <QLocale>
#include <QRegularExpression>

#include "graph/block.h"
#include "graph/param_count.h"
#include "inspector/inspector_style.h"
#include "inspector/node_inspector.h"

namespace nw::gui {

namespace {

// "(N, 1, 28, 28)" for one port; "output (N, T, H) · hidden (N, H)" for several. Unknown: "—".
QString ports_text(const std::vector<graph::PortSpec>& ports,
                   const std::vector<graph::SampleShape>* shapes, bool known) {
  if (ports.empty()) return QObject::tr("none");
  QStringList parts;
  for (size_t i = 0; i < ports.size(); ++i) {
    const bool have = known && shapes && i < shapes->size();
    const QString shape = have ? qstr(graph::format_shape((*shapes)[i])) : QStringLiteral("\u2014");
    parts << (ports.size() == 1 ? shape : qstr(ports[i].name) + QStringLiteral(": ") + shape);
  }
  return parts.join(QLatin1Char('\n'));
}

// Why the parameter count is not known: the required parameters still without a value, else
// the inferred ones the input shape has not given yet.
QString count_unknown_reason(const graph::LayerType& type, const graph::NodeInfo* info) {
  QStringList unset, uninferred;
  for (const graph::ParamSpec& p : type.params) {
    const auto it = info ? info->params.find(p.name) : graph::ParamMap::const_iterator();
    const bool has = info && it != info->params.end() && !it->second.is_null();
    if (has || p.kind == graph::ParamKind::OptionalFloat) continue;
    (p.inferred ? uninferred : unset) << qstr(p.name);
  }
  if (!unset.isEmpty())
    return QObject::tr("known once %1 %2 set")
        .arg(unset.join(QStringLiteral(", ")),
             unset.size() == 1 ? QObject::tr("is") : QObject::tr("are"));
  if (!uninferred.isEmpty() || !info || !info->shapes_known)
    return QObject::tr("known once the input shape is");
  return QObject::tr("the values do not give a whole count");
}

// A diagnostic as a whole sentence that names the node: the core's messages are predicates
// ("is not connected to the network ...") or clauses ("padding 3 is more than ...") about it.
QString diagnostic_sentence(const graph::Diagnostic& d, const graph::Node& node) {
  QString text = qstr(d.message).trimmed();
  const QString who = QStringLiteral("%1 '%2'").arg(qstr(node.type), qstr(node.id));
  static const QRegularExpression port(QStringLiteral(R"(^input (\d+) )"));
  static const QRegularExpression predicate(QStringLiteral(
      R"(^(is|are|has|have|expects|gets|needs|takes|uses|cannot|must|would|was|should)\b)"));
  if (const auto m = port.match(text); m.hasMatch())
    text = QObject::tr("Input %1 of %2 %3").arg(m.captured(1), who, text.mid(m.capturedLength()));
  else if (d.port >= 0)
    text = QObject::tr("Input %1 of %2: %3").arg(d.port).arg(who, text);
  else if (predicate.match(text).hasMatch())
    text = who + QLatin1Char(' ') + text;
  else
    text = who + QStringLiteral(": ") + text;
  if (!text.endsWith(QLatin1Char('.'))) text += QLatin1Char('.');
  return text;
}

}  // namespace

void NodeInspector::refresh_shapes(const graph::Node& node, const graph::NodeInfo* info) {
  const graph::LayerType* found = document_->graph().find_type(node.type);
  if (!found) {  // refresh() shows no node of an unknown type; a caller that does gets dashes
    inputs_->setText(QStringLiteral("\u2014"));
    outputs_->setText(QStringLiteral("\u2014"));
    count_->setText(tr("\u2014 (unknown type '%1')").arg(qstr(node.type)));
    return;
  }
  const graph::LayerType& type = *found;
  const bool known = info && info->shapes_known;
  inputs_->setText(ports_text(type.inputs, info ? &info->inputs : nullptr, info != nullptr));
  outputs_->setText(ports_text(type.outputs, info ? &info->outputs : nullptr, known));
  const bool block = graph::is_block_type(node.type);
  if (!type.make && !block) {
    count_->setText(tr("none"));
    return;
  }
  // A use's count is the sum over the layers inside it, from the analysis.
  const auto count = !info   ? std::nullopt
                     : block ? (info->block ? info->block->parameters : std::nullopt)
                             : graph::parameter_count(node.type, info->params);
  if (!count && block) {
    count_->setText(tr("\u2014 (known once the shapes inside the block are)"));
    return;
  }
  if (!count) {
    count_->setText(tr("\u2014 (%1)").arg(count_unknown_reason(type, info)));
    return;
  }
  const QString total = QLocale().toString(static_cast<qlonglong>(*count));
  if (*count == 0)
    count_->setText(tr("none"));
  else if (node.trainable)
    count_->setText(tr("%1 (all trainable)").arg(total));
  else
    count_->setText(tr("%1 (frozen: 0 trainable)").arg(total));
}

void NodeInspector::refresh_diagnostics() {
  QStringList errors, warnings;
  const graph::Node* node = document_->graph().find(sstr(id_));
  if (!node) return;
  for (const graph::Diagnostic& d : document_->analysis().for_node(sstr(id_))) {
    const QString text = diagnostic_sentence(d, *node);
    (d.severity == graph::Diagnostic::Severity::Error ? errors : warnings) << text;
  }
  show_message(errors_, errors.join(QLatin1Char('\n')));
  show_message(warnings_, warnings.join(QLatin1Char('\n')));
}

}  // namespace nw::gui
