#pragma once
// The undo commands of ProjectDocument. They act on the model, never on graphics items: the first
// redo() runs the real edit on the live graph, so views see fine-grained changes; it keeps the
// graph as it was before and after, and every later undo()/redo() restores one of those
// snapshots exactly (ids, order, positions, parameters, edges, labels, trainable flags).
// Graph copies hold nodes and edges only, so a snapshot is cheap next to a redraw. Each command
// edits the graph of the document's scope when it was made (the project's or a block body) and
// restores that one, whatever the editor shows by then.
#include <QPointF>
#include <QStringList>
#include <QUndoCommand>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "graph/graph.h"
#include "io/config.h"

namespace nw::gui {

class ProjectDocument;

class GraphCommand : public QUndoCommand {
 public:
  using Edit = std::function<void(graph::Graph&)>;
  // `analyze`: whether the edit can change the validator's result (moves cannot).
  GraphCommand(ProjectDocument* doc, const QString& text, Edit edit, bool analyze = true);

  void redo() override;
  void undo() override;

 protected:
  ProjectDocument* doc_;
  Edit edit_;
  bool analyze_;
  bool applied_once_ = false;
  graph::Graph before_, after_;
  QStringList scope_, via_;  // ProjectDocument::scope() and its uses when made
};

// One step of a drag. Every move of one drag (same drag_id > 0) merges into the first, so the
// whole drag is one undo step.
class MoveCommand : public GraphCommand {
 public:
  static constexpr int kId = 0x4e57;  // "NW"
  MoveCommand(ProjectDocument* doc, std::vector<std::pair<std::string, QPointF>> moves,
              int drag_id);
  int id() const override { return drag_id_ > 0 ? kId : -1; }
  bool mergeWith(const QUndoCommand* other) override;

 private:
  int drag_id_;
};

// The project's name, data and training settings: small enough to keep whole before and after.
struct ProjectSettings {
  std::string name;
  io::DataConfig data;
  io::TrainingConfig training;
};

class SettingsCommand : public QUndoCommand {
 public:
  SettingsCommand(ProjectDocument* doc, const QString& text, ProjectSettings after);
  void redo() override;
  void undo() override;

 private:
  void apply(const ProjectSettings& s);
  ProjectDocument* doc_;
  ProjectSettings before_, after_;
};

}  // namespace nw::gui
