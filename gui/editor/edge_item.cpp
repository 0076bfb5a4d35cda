#include "editor/edge_item.h"

#include <QPainter>
#include <QPainterPathStroker>

#include <algorithm>
#include <cmath>

#include "editor/editor_style.h"
#include "editor/graph_scene.h"
#include "editor/node_item.h"
#include "editor/port_item.h"

namespace nw::gui {

EdgeItem::EdgeItem(const graph::Edge& edge) : edge_(edge) {
  setFlag(ItemIsSelectable);
  setZValue(-1);  // under the nodes
}

QPainterPath EdgeItem::route(QPointF from, QPointF to, const QList<QRectF>& obstacles) {
  QPainterPath direct(from);
  const double dy = to.y() - from.y();
  // Downwards, the handles pull half the height; upwards (against the flow) they loop around.
  const double pull = dy > 0 ? std::max(30.0, dy / 2) : std::max(60.0, -dy / 2 + 40);
  direct.cubicTo(from + QPointF(0, pull), to - QPointF(0, pull), to);

  // NOTE: QPainterPath::intersects closes an open path, so a bent curve would "hit" whatever
  // lies between it and its chord; test the line itself.
  QPainterPathStroker stroker;
  stroker.setWidth(2);
  const QPainterPath line = stroker.createStroke(direct);
  double lane = -1e300;
  for (const QRectF& r : obstacles)
    if (line.intersects(r)) lane = std::max(lane, r.right());
  if (lane == -1e300 || dy <= 0) return direct;

  // Beside the nodes in the way: out of the source, down the lane, into the target.
  lane += 24;
  const double bend = std::min(36.0, dy / 3);
  QPainterPath side(from);
  side.cubicTo(from + QPointF(0, bend), QPointF(lane, from.y()), QPointF(lane, from.y() + bend));
  side.lineTo(lane, to.y() - bend);
  side.cubicTo(QPointF(lane, to.y()), to - QPointF(0, bend), to);
  return side;
}

void EdgeItem::update_path(const GraphScene& scene) {
  NodeItem* a = scene.node_item(QString::fromStdString(edge_.from.node));
  NodeItem* b = scene.node_item(QString::fromStdString(edge_.to.node));
  PortItem* out = a ? a->output_port(edge_.from.port) : nullptr;
  PortItem* in = b ? b->input_port(edge_.to.port) : nullptr;
  if (!out || !in) {
    setPath({});
    return;
  }
  const QPointF p0 = out->scene_center(), p1 = in->scene_center();
  QList<QRectF> obstacles;
  const QRectF span = QRectF(p0, p1).normalized().adjusted(-60, 0, 60, 0);
  for (QGraphicsItem* item : scene.items(span, Qt::IntersectsItemBoundingRect)) {
    if (item->type() != NodeItem::Type || item == a || item == b) continue;
    obstacles << item->sceneBoundingRect().adjusted(style::kPortReach + 2, style::kPortReach + 2,
                                                    -style::kPortReach - 2, -style::kPortReach - 2);
  }
  setPath(route(p0, p1, obstacles));
}

void EdgeItem::set_error(bool error) {
  if (error == error_) return;
  error_ = error;
  update();
}

QPainterPath EdgeItem::shape() const {
  QPainterPathStroker stroker;
  stroker.setWidth(10);
  return stroker.createStroke(path());
}

void EdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
  const style::Colors c = style::colors(scene() ? scene()->palette() : QPalette());
  painter->setRenderHint(QPainter::Antialiasing);
  QColor color = error_ ? c.error : c.edge;
  double width = 1.6;
  if (isSelected()) {
    color = c.selection;
    width = 2.6;
  }
  QPen pen(color, width, error_ ? Qt::DashLine : Qt::SolidLine, Qt::RoundCap);
  painter->setPen(pen);
  painter->setBrush(Qt::NoBrush);
  painter->drawPath(path());
}

}  // namespace nw::gui
