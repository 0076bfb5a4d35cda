#pragma once
// The edge being dragged out of an output port: a dashed curve that follows the cursor and snaps
// to the nearest input port that would accept it (ProjectDocument::can_connect). An incompatible
// port under the cursor is marked and shows the reason as its tooltip. The scene creates one on
// a press on an output port and asks it for the target on release.
#include <QGraphicsPathItem>

#include <map>
#include <utility>

#include "graph/graph.h"

namespace nw::gui {

class PortItem;
class ProjectDocument;

class LiveEdge : public QGraphicsPathItem {
 public:
  LiveEdge(ProjectDocument* doc, PortItem* from);
  ~LiveEdge() override;  // clears the highlights it set

  // Moves the loose end to `scene_pos`. `reach`: how far (scene units) a port may be to snap.
  void follow(QPointF scene_pos, double reach);

  graph::PortRef from() const { return from_ref_; }
  PortItem* target() const { return target_; }  // the compatible port it snapped to, or null
  // Why the input port under the cursor refuses the edge; empty when there is none.
  QString refusal() const { return refusal_; }

 private:
  bool accepts(PortItem* port, QString* why);  // can_connect, asked once per port per drag
  void mark(PortItem* port, int state, const QString& reason = {});

  ProjectDocument* doc_;
  PortItem* from_;
  graph::PortRef from_ref_;
  PortItem* target_ = nullptr;
  PortItem* refused_ = nullptr;
  QString refusal_;
  std::map<PortItem*, std::pair<bool, QString>> verdicts_;
};

}  // namespace nw::gui
