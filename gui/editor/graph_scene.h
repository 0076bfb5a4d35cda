#pragma once
// The scene mirrors the document's graph: one NodeItem per node, one EdgeItem per edge. It reacts
// to the document's signals (fine-grained changes; a rebuild on Reset) and turns mouse gestures
// into document edits: a drag from an output port makes a live edge and, on release over a
// compatible input, connect_ports(); dragging nodes calls move_nodes() with one drag id per drag.
#include <QGraphicsScene>
#include <QStringList>

#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace nw::gui {

class EdgeItem;
class HealthHistory;
class LiveEdge;
class NodeItem;
class ProjectDocument;

class GraphScene : public QGraphicsScene {
  Q_OBJECT

 public:
  explicit GraphScene(ProjectDocument* doc, QObject* parent = nullptr);
  ~GraphScene() override;

  ProjectDocument* document() const { return doc_; }
  NodeItem* node_item(const QString& id) const;  // nullptr when absent
  EdgeItem* edge_item(const graph::Edge& edge) const;
  std::vector<EdgeItem*> edge_items() const;
  QStringList selected_node_ids() const;  // in graph order
  std::vector<graph::Edge> selected_edges() const;
  void select_nodes(const QStringList& ids);  // replaces the selection
  QRectF nodes_rect() const;                  // the nodes' bounding box (empty when none)

  void set_show_shapes(bool show);
  bool show_shapes() const { return show_shapes_; }
  // The layer health the nodes' sparklines draw (null: none); followed as it changes.
  void set_health(HealthHistory* health);
  LiveEdge* live_edge() const { return live_; }  // while a connection is being dragged

  // From NodeItem::itemChange: its edges follow it.
  void node_moved(NodeItem* node);

 signals:
  // A node's box was double-clicked (the main window shows it in the inspector).
  void nodeActivated(const QString& id);
  // A live edge was dropped on a port that refused it, or connect_ports() refused.
  void connectionRefused(const QString& why);

 protected:
  void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
  void mouseMoveEvent(QGraphicsSceneMouseEvent* event) override;
  void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;
  void mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;  // Escape drops a live edge
  bool event(QEvent* event) override;             // repaints when the theme changes

 private:
  void on_graph_changed(const graph::GraphChange& change);
  void on_analysis_changed();
  void rebuild();
  void clear_items();
  void add_node_item(const std::string& id);
  void remove_node_item(const std::string& id);
  void add_edge_item(const graph::Edge& edge);
  void remove_edge_item(const graph::Edge& edge);
  void rename_node_item(const std::string& old_id, const std::string& new_id);
  void cancel_live_edge();
  void update_sparkline(NodeItem* item) const;
  void update_sparklines();
  double port_reach() const;  // snap distance in scene units, constant on screen

  ProjectDocument* doc_;
  std::map<std::string, NodeItem*> nodes_;
  std::vector<EdgeItem*> edges_;
  LiveEdge* live_ = nullptr;
  HealthHistory* health_ = nullptr;
  bool show_shapes_ = true;
  bool dragging_nodes_ = false;
  int drag_id_ = 0;
};

}  // namespace nw::gui
