#include "editor/port_item.h"

#include <QGraphicsScene>
#include <QPainter>

#include "editor/editor_style.h"
#include "editor/node_item.h"

namespace nw::gui {

PortItem::PortItem(NodeItem* node, bool output, int index, const QString& tooltip)
    : QGraphicsItem(node), node_(node), output_(output), index_(index), tooltip_(tooltip) {
  setAcceptHoverEvents(true);
  setToolTip(tooltip_);
  setZValue(1);
}

QRectF PortItem::boundingRect() const {
  const double r = style::kPortReach + 1;
  return {-r, -r, 2 * r, 2 * r};
}

QPainterPath PortItem::shape() const {
  QPainterPath p;
  p.addEllipse(QPointF(0, 0), style::kPortReach, style::kPortReach);
  return p;
}

graph::PortRef PortItem::ref() const {
  return {node_->id().toStdString(), index_};
}

void PortItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
  const style::Colors c = style::colors(scene() ? scene()->palette() : QPalette());
  QColor ring = connected_ ? c.edge : c.node_border;
  QColor fill = connected_ ? c.edge : c.port_fill;
  double r = style::kPortRadius;
  switch (state_) {
    case State::Accept:
      ring = fill = c.accept;
      r += 1.5;
      break;
    case State::Refuse:
      ring = c.refuse;
      fill = c.port_fill;
      r += 1.5;
      break;
    case State::Normal:
      if (hovered_) {
        ring = c.selection;
        r += 1;
      }
      break;
  }
  painter->setRenderHint(QPainter::Antialiasing);
  painter->setPen(QPen(ring, 1.6));
  painter->setBrush(fill);
  painter->drawEllipse(QPointF(0, 0), r, r);
  if (state_ == State::Refuse) {  // a small cross: "not here"
    const double d = r * 0.5;
    painter->drawLine(QPointF(-d, -d), QPointF(d, d));
    painter->drawLine(QPointF(-d, d), QPointF(d, -d));
  }
}

void PortItem::set_state(State state, const QString& reason) {
  if (state == state_ && (state != State::Refuse || toolTip() == reason)) return;
  state_ = state;
  setToolTip(state == State::Refuse && !reason.isEmpty() ? reason : tooltip_);
  update();
}

void PortItem::set_connected(bool connected) {
  if (connected == connected_) return;
  connected_ = connected;
  update();
}

void PortItem::hoverEnterEvent(QGraphicsSceneHoverEvent*) {
  hovered_ = true;
  update();
}

void PortItem::hoverLeaveEvent(QGraphicsSceneHoverEvent*) {
  hovered_ = false;
  update();
}

}  // namespace nw::gui
