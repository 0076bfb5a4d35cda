#pragma once
// One port of a node box: inputs on the top edge, outputs on the bottom edge. A child of its
// NodeItem; it knows its place in the graph (node id, input or output, index) and how it is
// highlighted while a live edge is dragged.
#include <QGraphicsItem>

#include "graph/graph.h"

namespace nw::gui {

class NodeItem;

class PortItem : public QGraphicsItem {
 public:
  enum class State { Normal, Accept, Refuse };
  enum { Type = UserType + 2 };

  PortItem(NodeItem* node, bool output, int index, const QString& tooltip);

  int type() const override { return Type; }
  QRectF boundingRect() const override;
  QPainterPath shape() const override;  // the grab area, larger than the dot
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

  NodeItem* node() const { return node_; }
  bool is_output() const { return output_; }
  int index() const { return index_; }
  graph::PortRef ref() const;
  QPointF scene_center() const { return mapToScene(QPointF(0, 0)); }

  // Highlight while a live edge is near; a refusal shows its reason as the tooltip.
  void set_state(State state, const QString& reason = {});
  State state() const { return state_; }
  void set_connected(bool connected);

 protected:
  void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
  void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

 private:
  NodeItem* node_;
  bool output_;
  int index_;
  QString tooltip_;
  State state_ = State::Normal;
  bool hovered_ = false;
  bool connected_ = false;
};

}  // namespace nw::gui
