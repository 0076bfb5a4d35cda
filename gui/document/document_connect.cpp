// ProjectDocument::can_connect: the live edge's question "would this edge be accepted, and would
// the shapes fit?", answered on a copy of the graph with the validator, never changing anything.
#include <algorithm>
#include <cmath>
#include <optional>

#include "document/project_document.h"
#include "graph/analysis.h"

namespace nw::gui {

namespace {

// A stand-in for a required size the user has not set yet (a freshly dropped Conv2d has no
// out_channels): the smallest allowed whole number, at least 1. Only for numbers and pairs: a
// made-up shape list (Reshape's shape) would itself be the mismatch reported.
std::optional<graph::ParamValue> stand_in(const graph::ParamSpec& spec) {
  if (spec.kind != graph::ParamKind::Int && spec.kind != graph::ParamKind::IntPair)
    return std::nullopt;
  const double v = std::max(1.0, std::ceil(spec.min));
  if (v > spec.max) return std::nullopt;
  graph::ParamValue value = static_cast<int64_t>(v);
  if (!graph::check_param(spec, value).empty()) return std::nullopt;
  return value;
}

// Gives the node's unset required parameters stand-in values; false when one cannot be given
// (then the node's shape rule cannot run, and whether the shapes fit cannot be told yet).
bool fill_required(graph::Graph& g, const std::string& id) {
  const graph::Node& n = g.node(id);
  const graph::LayerType* t = g.find_type(n.type);
  if (!t) return false;
  for (const graph::ParamSpec& p : t->params) {
    const bool required =
        !p.inferred && p.default_value.is_null() && p.kind != graph::ParamKind::OptionalFloat;
    if (!required || n.params.count(p.name)) continue;
    const auto value = stand_in(p);
    if (!value) return false;
    g.set_param(id, p.name, *value);
  }
  return true;
}

bool same(const graph::Diagnostic& a, const graph::Diagnostic& b) {
  return a.severity == b.severity && a.port == b.port && a.message == b.message;
}

}  // namespace

bool ProjectDocument::can_connect(const graph::PortRef& from, const graph::PortRef& to,
                                  QString* why) const {
  if (!check_connection(from, to, why)) return false;
  try {
    graph::Graph trial = graph();
    if (!fill_required(trial, to.node)) return true;
    const auto before = graph::analyze(trial).for_node(to.node);
    trial.connect(from, to);
    for (const graph::Diagnostic& d : graph::analyze(trial).for_node(to.node)) {
      if (d.severity != graph::Diagnostic::Severity::Error) continue;
      if (d.port >= 0 && d.port != to.port) continue;  // another input, e.g. not connected yet
      if (std::any_of(before.begin(), before.end(), [&](const auto& b) { return same(b, d); }))
        continue;  // the node had this problem before the edge
      if (why) *why = QString::fromStdString(d.message);
      return false;
    }
  } catch (const std::exception& e) {
    if (why) *why = QString::fromUtf8(e.what());
    return false;
  }
  return true;
}

}  // namespace nw::gui
