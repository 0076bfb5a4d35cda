#include "editor/graph_scene.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "document/project_document.h"
#include "editor/edge_item.h"
#include "editor/live_edge.h"
#include "editor/node_item.h"
#include "train/health_warnings.h"
#include "training/health_history.h"

namespace nw::gui {

namespace {
QString q(const std::string& s) {
  return QString::fromStdString(s);
}
}  // namespace

GraphScene::GraphScene(ProjectDocument* doc, QObject* parent) : QGraphicsScene(parent), doc_(doc) {
  // Room to pan around; the view fits to the nodes, not to this.
  setSceneRect(-20000, -20000, 40000, 40000);
  setItemIndexMethod(QGraphicsScene::NoIndex);  // items move a lot; few enough for a list
  connect(doc_, &ProjectDocument::graphChanged, this, &GraphScene::on_graph_changed);
  connect(doc_, &ProjectDocument::analysisChanged, this, &GraphScene::on_analysis_changed);
  rebuild();
}

GraphScene::~GraphScene() {
  // Deleting selected items emits selectionChanged; nobody may look at half-deleted items.
  blockSignals(true);
  clear_items();
}

void GraphScene::clear_items() {
  cancel_live_edge();
  // NOTE: out of the maps first: a deleted selected item makes the scene emit selectionChanged,
  // and its handlers look items up by id.
  const std::vector<EdgeItem*> edges = std::exchange(edges_, {});
  const std::map<std::string, NodeItem*> nodes = std::exchange(nodes_, {});
  for (EdgeItem* e : edges) delete e;
  for (const auto& [id, item] : nodes) delete item;
}

// ---- lookups

NodeItem* GraphScene::node_item(const QString& id) const {
  auto it = nodes_.find(id.toStdString());
  return it == nodes_.end() ? nullptr : it->second;
}

EdgeItem* GraphScene::edge_item(const graph::Edge& edge) const {
  for (EdgeItem* e : edges_)
    if (e->edge() == edge) return e;
  return nullptr;
}

std::vector<EdgeItem*> GraphScene::edge_items() const {
  return edges_;
}

QStringList GraphScene::selected_node_ids() const {
  QStringList ids;
  for (const graph::Node& n : doc_->graph().nodes())
    if (NodeItem* item = node_item(q(n.id)); item && item->isSelected()) ids << q(n.id);
  return ids;
}

std::vector<graph::Edge> GraphScene::selected_edges() const {
  std::vector<graph::Edge> out;
  for (EdgeItem* e : edges_)
    if (e->isSelected()) out.push_back(e->edge());
  return out;
}

void GraphScene::select_nodes(const QStringList& ids) {
  QSignalBlocker block(this);  // one selectionChanged, not one per item
  clearSelection();
  for (const QString& id : ids)
    if (NodeItem* item = node_item(id)) item->setSelected(true);
  block.unblock();
  emit selectionChanged();
}

QRectF GraphScene::nodes_rect() const {
  QRectF r;
  for (const auto& [id, item] : nodes_) r |= item->sceneBoundingRect();
  return r;
}

void GraphScene::set_show_shapes(bool show) {
  show_shapes_ = show;
  for (const auto& [id, item] : nodes_) item->set_show_shapes(show);
}

// ---- mirroring the document

void GraphScene::rebuild() {
  const QStringList selected = selected_node_ids();
  {
    const QSignalBlocker block(this);
    clear_items();
    for (const graph::Node& n : doc_->graph().nodes()) add_node_item(n.id);
    for (const graph::Edge& e : doc_->graph().edges()) add_edge_item(e);
    for (const QString& id : selected)
      if (NodeItem* item = node_item(id)) item->setSelected(true);
  }
  on_analysis_changed();
  emit selectionChanged();
}

void GraphScene::set_health(HealthHistory* health) {
  if (health_) disconnect(health_, nullptr, this, nullptr);
  health_ = health;
  if (health_) connect(health_, &HealthHistory::changed, this, &GraphScene::update_sparklines);
  update_sparklines();
}

void GraphScene::update_sparkline(NodeItem* item) const {
  if (!health_) return;
  // Inside a block the nodes are the layers of the use the editor shows it through.
  const QStringList uses = doc_->scope_uses();
  const QString prefix =
      uses.isEmpty() ? QString() : uses.join(QLatin1Char('.')) + QLatin1Char('.');
  const QString layer = health_->layer_for_node(item->id(), prefix);
  const QVector<double> norms =
      layer.isEmpty() ? QVector<double>() : health_->series(layer, HealthHistory::Metric::GradNorm);
  const bool alarm = !norms.isEmpty() &&
                     (!std::isfinite(norms.back()) || norms.back() > train::kExplodingGradient ||
                      norms.back() < train::kVanishingGradient);
  item->set_sparkline(norms, alarm);
}

void GraphScene::update_sparklines() {
  for (const auto& [id, item] : nodes_) update_sparkline(item);
}

void GraphScene::add_node_item(const std::string& id) {
  if (nodes_.count(id)) return;
  auto* item = new NodeItem(doc_, q(id));
  item->set_show_shapes(show_shapes_);
  update_sparkline(item);
  addItem(item);
  nodes_[id] = item;
}

void GraphScene::remove_node_item(const std::string& id) {
  auto it = nodes_.find(id);
  if (it == nodes_.end()) return;
  // Edges go first in the graph's own notifications; any left over would dangle.
  std::vector<EdgeItem*> dead;
  std::erase_if(edges_, [&](EdgeItem* e) {
    if (e->edge().from.node != id && e->edge().to.node != id) return false;
    dead.push_back(e);
    return true;
  });
  NodeItem* item = it->second;
  nodes_.erase(it);
  for (EdgeItem* e : dead) delete e;
  delete item;
}

void GraphScene::add_edge_item(const graph::Edge& edge) {
  if (edge_item(edge)) return;
  auto* item = new EdgeItem(edge);
  addItem(item);
  edges_.push_back(item);
  item->update_path(*this);
}

void GraphScene::remove_edge_item(const graph::Edge& edge) {
  std::vector<EdgeItem*> dead;
  std::erase_if(edges_, [&](EdgeItem* e) {
    if (e->edge() != edge) return false;
    dead.push_back(e);
    return true;
  });
  for (EdgeItem* e : dead) delete e;
}

void GraphScene::rename_node_item(const std::string& old_id, const std::string& new_id) {
  auto it = nodes_.find(old_id);
  if (it == nodes_.end()) return;
  NodeItem* item = it->second;
  nodes_.erase(it);
  nodes_[new_id] = item;
  item->set_id(q(new_id));
  for (EdgeItem* e : edges_) {
    graph::Edge edge = e->edge();
    if (edge.from.node == old_id) edge.from.node = new_id;
    if (edge.to.node == old_id) edge.to.node = new_id;
    e->set_edge(edge);
  }
}

void GraphScene::on_graph_changed(const graph::GraphChange& change) {
  using Kind = graph::GraphChange::Kind;
  switch (change.kind) {
    case Kind::Reset:
      rebuild();
      return;
    case Kind::NodeAdded:
      add_node_item(change.node);
      break;
    case Kind::NodeRemoved:
      if (live_ && live_->from().node == change.node) cancel_live_edge();
      remove_node_item(change.node);
      break;
    case Kind::NodeRenamed:
      cancel_live_edge();
      rename_node_item(change.old_id, change.node);
      break;
    case Kind::ParamChanged:
    case Kind::NodeChanged:
      if (NodeItem* item = node_item(q(change.node))) item->refresh();
      break;
    case Kind::NodeMoved:
      if (NodeItem* item = node_item(q(change.node))) {
        const graph::Node& n = doc_->graph().node(change.node);
        if (item->pos() != QPointF(n.pos[0], n.pos[1])) item->setPos(n.pos[0], n.pos[1]);
      }
      break;
    case Kind::EdgeAdded:
      if (change.edge) add_edge_item(*change.edge);
      break;
    case Kind::EdgeRemoved:
      if (change.edge) remove_edge_item(*change.edge);
      break;
  }
}

void GraphScene::on_analysis_changed() {
  for (const auto& [id, item] : nodes_) item->refresh();
  // An edge is drawn as a problem when its input port has a diagnostic (two edges into one
  // input, a shape the node cannot take).
  const graph::Analysis& a = doc_->analysis();
  for (EdgeItem* e : edges_) {
    bool bad = false;
    for (const graph::Diagnostic& d : a.diagnostics)
      if (d.severity == graph::Diagnostic::Severity::Error && d.node == e->edge().to.node &&
          d.port == e->edge().to.port)
        bad = true;
    e->set_error(bad);
  }
}

void GraphScene::node_moved(NodeItem* node) {
  const std::string id = node->id().toStdString();
  for (EdgeItem* e : edges_)
    if (e->edge().from.node == id || e->edge().to.node == id) e->update_path(*this);
}

}  // namespace nw::gui
