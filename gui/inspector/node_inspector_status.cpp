// NodeInspector's read-only parts: the shapes on its ports, its parameter count and the
// analysis' diagnostics for it.
#include <QLocale>

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

}  // namespace

void NodeInspector::refresh_shapes(const graph::Node& node, const graph::NodeInfo* info) {
  const graph::LayerType& type = *graph::Registry::instance().find(node.type);
  const bool known = info && info->shapes_known;
  inputs_->setText(ports_text(type.inputs, info ? &info->inputs : nullptr, info != nullptr));
  outputs_->setText(ports_text(type.outputs, info ? &info->outputs : nullptr, known));
  if (!type.make) {
    count_->setText(tr("none"));
    return;
  }
  const auto count = info ? graph::parameter_count(node.type, info->params) : std::nullopt;
  if (!count) {
    count_->setText(tr("\u2014 (known once the input shape is)"));
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
  for (const graph::Diagnostic& d : document_->analysis().for_node(sstr(id_))) {
    QString text = qstr(d.message);
    if (d.port >= 0) text = tr("input %1: %2").arg(d.port).arg(text);
    (d.severity == graph::Diagnostic::Severity::Error ? errors : warnings) << text;
  }
  show_message(errors_, errors.join(QLatin1Char('\n')));
  show_message(warnings_, warnings.join(QLatin1Char('\n')));
}

}  // namespace nw::gui
