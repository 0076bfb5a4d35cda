// GraphScene's mouse gestures: a drag from an output port is a live edge that connects on
// release; a drag of nodes moves them through the document, one drag id per drag.
#include <QGraphicsSceneMouseEvent>
#include <QGraphicsView>
#include <QKeyEvent>
#include <QToolTip>

#include <algorithm>

#include "document/project_document.h"
#include "editor/edge_item.h"
#include "editor/editor_style.h"
#include "editor/graph_scene.h"
#include "editor/live_edge.h"
#include "editor/node_item.h"
#include "editor/port_item.h"

namespace nw::gui {

// ---- gestures

double GraphScene::port_reach() const {
  // 24 pixels on screen whatever the zoom (at least the port's own reach).
  const double scale = views().isEmpty() ? 1.0 : views().front()->transform().m11();
  return std::max(style::kPortReach * 1.5, 24.0 / std::max(scale, 1e-3));
}

void GraphScene::cancel_live_edge() {
  if (!live_) return;
  delete live_;  // also clears the port highlights
  live_ = nullptr;
  QToolTip::hideText();
}

void GraphScene::mousePressEvent(QGraphicsSceneMouseEvent* event) {
  if (event->button() == Qt::LeftButton) {
    for (QGraphicsItem* item : items(event->scenePos())) {
      if (item->type() != PortItem::Type) continue;
      auto* port = static_cast<PortItem*>(item);
      if (!port->is_output()) break;
      cancel_live_edge();
      live_ = new LiveEdge(doc_, port);
      addItem(live_);
      live_->follow(event->scenePos(), port_reach());
      event->accept();
      return;
    }
  }
  QGraphicsScene::mousePressEvent(event);
  dragging_nodes_ = event->button() == Qt::LeftButton && mouseGrabberItem() &&
                    mouseGrabberItem()->type() == NodeItem::Type;
  if (dragging_nodes_) {
    static int next_drag = 0;  // process-wide: two scenes never share a drag id
    drag_id_ = ++next_drag;
  }
}

void GraphScene::mouseMoveEvent(QGraphicsSceneMouseEvent* event) {
  if (live_) {
    live_->follow(event->scenePos(), port_reach());
    if (!live_->refusal().isEmpty())
      QToolTip::showText(event->screenPos(), live_->refusal());
    else
      QToolTip::hideText();
    event->accept();
    return;
  }
  QGraphicsScene::mouseMoveEvent(event);
  if (!dragging_nodes_ || !(event->buttons() & Qt::LeftButton)) return;
  std::vector<std::pair<QString, QPointF>> moves;
  for (QGraphicsItem* item : selectedItems())
    if (item->type() == NodeItem::Type)
      moves.emplace_back(static_cast<NodeItem*>(item)->id(), item->pos());
  doc_->move_nodes(moves, drag_id_);
}

void GraphScene::mouseReleaseEvent(QGraphicsSceneMouseEvent* event) {
  if (live_) {
    if (event->button() != Qt::LeftButton) return;
    const graph::PortRef from = live_->from();
    PortItem* target = live_->target();
    const graph::PortRef to = target ? target->ref() : graph::PortRef{};
    const QString refusal = live_->refusal();
    cancel_live_edge();
    QString why;
    if (target && !doc_->connect_ports(from, to, &why)) emit connectionRefused(why);
    if (!target && !refusal.isEmpty()) emit connectionRefused(refusal);
    event->accept();
    return;
  }
  QGraphicsScene::mouseReleaseEvent(event);
  if (dragging_nodes_)  // edges that pass the moved nodes may need another lane
    for (EdgeItem* e : edges_) e->update_path(*this);
  dragging_nodes_ = false;
}

void GraphScene::mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) {
  for (QGraphicsItem* item : items(event->scenePos()))
    if (item->type() == NodeItem::Type) {
      emit nodeActivated(static_cast<NodeItem*>(item)->id());
      event->accept();
      return;
    }
  QGraphicsScene::mouseDoubleClickEvent(event);
}

void GraphScene::keyPressEvent(QKeyEvent* event) {
  if (live_ && event->key() == Qt::Key_Escape) {
    cancel_live_edge();
    event->accept();
    return;
  }
  QGraphicsScene::keyPressEvent(event);
}

bool GraphScene::event(QEvent* event) {
  // Items pick their colours from the scene's palette when painted (light or dark theme).
  if (event->type() == QEvent::PaletteChange) update();
  return QGraphicsScene::event(event);
}

}  // namespace nw::gui
