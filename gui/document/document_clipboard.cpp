// ProjectDocument's clipboard: nodes travel as the "graph" section of a project file
// ({"nodes": [...], "edges": [...]}), written and read by the project loader's own code.
#include <map>
#include <set>

#include "document/project_document.h"
#include "io/json_fields.h"
#include "io/json_read.h"
#include "io/project_graph.h"

namespace nw::gui {

QString ProjectDocument::copy_nodes(const QStringList& ids) const {
  std::set<std::string> wanted;
  for (const QString& id : ids) wanted.insert(id.toStdString());
  // NOTE: an empty body, not a Graph: it takes what a body or the project holds, block uses
  // and block parameter references ("$channels") alike.
  graph::Graph part = project_->graph.new_body();
  for (const graph::Node& n : graph().nodes())
    if (wanted.count(n.id)) part.add_node(n);
  for (const graph::Edge& e : graph().edges())
    if (wanted.count(e.from.node) && wanted.count(e.to.node)) part.connect(e.from, e.to);
  if (part.nodes().empty()) return {};
  return QString::fromStdString(io::detail::graph_to_json(part).dump(2));
}

QStringList ProjectDocument::paste_nodes(const QString& json, QPointF offset) {
  // Text that is not a graph (or too deep to read safely) pastes nothing.
  const std::optional<nlohmann::json> j = io::try_parse_json(json.toStdString());
  if (!j || !j->is_object()) return {};
  std::vector<io::Problem> problems;
  graph::Graph pasted = project_->graph.new_body();  // as in copy_nodes
  io::detail::ObjectReader r(*j, "clipboard", problems, R"({"nodes": [...], "edges": [...]})");
  if (r.ok()) io::detail::parse_nodes_and_edges(r, pasted, problems);
  if (pasted.nodes().empty()) return {};

  // Fresh ids: taken ones get a suffix ("fc1" -> "fc1_2"), also avoiding each other.
  graph::Graph names = graph();
  std::map<std::string, std::string> renamed;
  std::vector<graph::Node> nodes;
  for (graph::Node n : pasted.nodes()) {
    const std::string id = names.unique_id(n.id);
    renamed[n.id] = id;
    n.id = id;
    n.pos = {n.pos[0] + offset.x(), n.pos[1] + offset.y()};
    names.add_node(n);
    nodes.push_back(std::move(n));
  }
  std::vector<graph::Edge> edges;
  for (const graph::Edge& e : pasted.edges())
    edges.push_back({{renamed.at(e.from.node), e.from.port}, {renamed.at(e.to.node), e.to.port}});

  const bool ok =
      push_edit(tr("Paste %n nodes", nullptr, int(nodes.size())), [nodes, edges](graph::Graph& g) {
        for (const graph::Node& n : nodes) g.add_node(n);
        for (const graph::Edge& e : edges) g.connect(e.from, e.to);
      });
  QStringList out;
  if (ok)
    for (const graph::Node& n : nodes) out << QString::fromStdString(n.id);
  return out;
}

}  // namespace nw::gui
