#pragma once
// One edge, output port -> input port, as a cubic curve. When the direct curve would cross other
// nodes (a residual block's skip edge running past its main path), it takes a lane beside them.
// Selectable, so that Delete removes it.
#include <QGraphicsPathItem>

#include "graph/graph.h"

namespace nw::gui {

class GraphScene;

class EdgeItem : public QGraphicsPathItem {
 public:
  enum { Type = UserType + 3 };

  explicit EdgeItem(const graph::Edge& edge);

  int type() const override { return Type; }
  const graph::Edge& edge() const { return edge_; }
  void set_edge(const graph::Edge& edge) { edge_ = edge; }  // after a rename

  // Recomputes the curve from the ports' positions in `scene`.
  void update_path(const GraphScene& scene);
  // An edge into an input that has a diagnostic is drawn as the problem it is.
  void set_error(bool error);

  // The curve from `from` to `to` (scene coordinates), bent around `obstacles` (node boxes).
  static QPainterPath route(QPointF from, QPointF to, const QList<QRectF>& obstacles);

  QPainterPath shape() const override;  // a wider band than the line, easier to click
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

 private:
  graph::Edge edge_;
  bool error_ = false;
};

}  // namespace nw::gui
