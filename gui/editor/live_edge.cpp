#include "editor/live_edge.h"

#include <QGraphicsScene>
#include <QLineF>
#include <QPalette>
#include <QPen>

#include "document/project_document.h"
#include "editor/edge_item.h"
#include "editor/editor_style.h"
#include "editor/port_item.h"

namespace nw::gui {

LiveEdge::LiveEdge(ProjectDocument* doc, PortItem* from)
    : doc_(doc), from_(from), from_ref_(from->ref()) {
  setZValue(10);  // above everything while dragged
  const QPointF p = from_->scene_center();
  setPath(EdgeItem::route(p, p, {}));
  setPen(QPen(style::colors(QPalette()).selection, 2, Qt::DashLine, Qt::RoundCap));
}

LiveEdge::~LiveEdge() {
  // The scene deletes ports on rebuilds; it cancels the live edge first, so these still live.
  if (target_) target_->set_state(PortItem::State::Normal);
  if (refused_) refused_->set_state(PortItem::State::Normal);
}

bool LiveEdge::accepts(PortItem* port, QString* why) {
  auto it = verdicts_.find(port);
  if (it == verdicts_.end()) {
    QString reason;
    const bool ok = doc_->can_connect(from_ref_, port->ref(), &reason);
    it = verdicts_.emplace(port, std::make_pair(ok, reason)).first;
  }
  if (why) *why = it->second.second;
  return it->second.first;
}

void LiveEdge::mark(PortItem* port, int state, const QString& reason) {
  if (port) port->set_state(static_cast<PortItem::State>(state), reason);
}

void LiveEdge::follow(QPointF scene_pos, double reach) {
  PortItem* best = nullptr;
  PortItem* under = nullptr;  // an incompatible port right under the cursor
  QString under_reason;
  double best_d = reach;
  const QRectF area(scene_pos - QPointF(reach, reach), QSizeF(2 * reach, 2 * reach));
  for (QGraphicsItem* item : scene()->items(area)) {
    if (item->type() != PortItem::Type) continue;
    auto* port = static_cast<PortItem*>(item);
    if (port->is_output() || port->node() == from_->node()) continue;
    const double d = QLineF(scene_pos, port->scene_center()).length();
    QString why;
    if (accepts(port, &why)) {
      if (d <= best_d) best_d = d, best = port;
    } else if (d <= style::kPortReach * 1.5 && !under) {
      under = port, under_reason = why;
    }
  }
  if (target_ != best) {
    mark(target_, int(PortItem::State::Normal));
    target_ = best;
    mark(target_, int(PortItem::State::Accept));
  }
  if (refused_ != under) {
    mark(refused_, int(PortItem::State::Normal));
    refused_ = under;
  }
  refusal_ = under ? under_reason : QString();
  mark(refused_, int(PortItem::State::Refuse), refusal_);

  const QPointF end = target_ ? target_->scene_center() : scene_pos;
  setPath(EdgeItem::route(from_->scene_center(), end, {}));
  const style::Colors c = style::colors(scene()->palette());
  QPen pen(target_ ? c.accept : (refused_ ? c.refuse : c.selection), 2, Qt::DashLine, Qt::RoundCap);
  setPen(pen);
}

}  // namespace nw::gui
