#pragma once
// The open project as the GUI sees it: the core io::Project, its file, its undo stack and the
// validator's latest analysis. Every edit from the editor, the inspector or the menus goes
// through this class as an undoable command on the model (never on graphics items); views only
// react to its signals. One drag is one undo step.
#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QUndoStack>

#include <functional>
#include <memory>
#include <vector>

#include "graph/analysis.h"
#include "graph/graph.h"
#include "io/project.h"

namespace nw::gui {

class ProjectDocument : public QObject {
  Q_OBJECT

 public:
  explicit ProjectDocument(QObject* parent = nullptr);
  ~ProjectDocument() override;

  // ---- files
  // Throws io::ProjectError (nothing changes) when the file cannot be read.
  void open(const QString& path);
  // Replaces the project (clears undo history); `path` may be empty for an unsaved project.
  void reset(io::Project project, const QString& path = {});
  void new_project();  // an Input node only, default data and training settings
  // Atomic (io::save_project); marks the document clean. Throws nw::Error naming the path.
  void save(const QString& path);
  QString path() const { return path_; }
  QString display_name() const;  // the project name, or the file name, or "Untitled"
  bool is_modified() const;

  // ---- reading
  const io::Project& project() const { return *project_; }
  const graph::Graph& graph() const { return project_->graph; }
  // Recomputed after every graph change (fast: well under 5 ms for 200 nodes).
  const graph::Analysis& analysis() const { return analysis_; }
  QUndoStack* undo_stack() { return &undo_; }

  // ---- graph edits, each one undoable command. They return false (and say why in `why`) when
  // the edit is refused, changing nothing.
  // An empty id picks a free one. Returns the new id, or an empty string.
  QString add_node(const QString& type, QPointF pos, const graph::ParamMap& params = {},
                   const QString& id = {}, QString* why = nullptr);
  void remove_nodes(const QStringList& ids);  // with their edges
  // Checks the ports exist and the input port is free; whether the shapes fit is only reported
  // by the analysis afterwards (a diagnostic), as in the core.
  bool connect_ports(const graph::PortRef& from, const graph::PortRef& to, QString* why = nullptr);
  // Would this connection be accepted, and would its shapes fit? For the live edge while
  // dragging; never changes anything.
  bool can_connect(const graph::PortRef& from, const graph::PortRef& to,
                   QString* why = nullptr) const;
  void disconnect_ports(const graph::Edge& edge);
  // As graph::Graph::set_param: null unpins, except where null is a value of its own
  // (BatchNorm's momentum=None), which it pins.
  bool set_param(const QString& id, const QString& name, const graph::ParamValue& value,
                 QString* why = nullptr);
  // Back to the default or the inferred value.
  bool unset_param(const QString& id, const QString& name, QString* why = nullptr);
  bool rename_node(const QString& id, const QString& new_id, QString* why = nullptr);
  void set_trainable(const QString& id, bool trainable);
  void set_label(const QString& id, const QString& label);
  // `drag_id` > 0 merges every move of one drag into a single undo step.
  void move_nodes(const std::vector<std::pair<QString, QPointF>>& moves, int drag_id = 0);
  // Arranges the graph top to bottom (core/graph/layout.h), as one undo step.
  void auto_layout();

  // The inferred shape of an output port, "N×64×13×13"; empty when unknown.
  QString shape_text(const graph::PortRef& output) const;

  // ---- clipboard: the selected nodes and the edges among them, as project-file JSON
  QString copy_nodes(const QStringList& ids) const;
  // Pastes with fresh ids, offset from the originals; returns the new ids (one undo step).
  QStringList paste_nodes(const QString& json, QPointF offset);

  // ---- project settings (undoable)
  void set_name(const QString& name);
  void set_data_config(const io::DataConfig& data);
  void set_training_config(const io::TrainingConfig& training);

 signals:
  // Fine-grained changes from normal edits; Reset after undo/redo, open and new.
  void graphChanged(const nw::graph::GraphChange& change);
  void analysisChanged();
  void configChanged();  // name, data or training settings
  void modifiedChanged(bool modified);
  void pathChanged(const QString& path);
  // An edit that passed its trial failed on the live graph (a view threw) and was rolled back:
  // "Add Linear failed and was undone: <reason>". The push that caused it also returns false.
  void editFailed(const QString& message);

 private:
  friend class GraphCommand;
  friend class SettingsCommand;
  void reanalyze();
  // Pushes one undoable graph edit after trying it on a copy: a refused edit (GraphError) says
  // why and pushes nothing. `analyze`: whether the edit can change the analysis (moves cannot).
  bool push_edit(const QString& text, std::function<void(graph::Graph&)> edit,
                 QString* why = nullptr, bool analyze = true);
  // Snapshot restores (undo, redo): the whole graph at once, announced as Reset.
  void restore_graph(const graph::Graph& snapshot);
  // GraphCommand::redo's report of an edit rolled back: push_edit refuses it, editFailed says so.
  void edit_failed(const QString& edit, const QString& reason);
  // Checks that do not need the shapes: ports exist, not one node, input free, no cycle.
  bool check_connection(const graph::PortRef& from, const graph::PortRef& to, QString* why) const;

  std::unique_ptr<io::Project> project_;
  graph::Analysis analysis_;
  QUndoStack undo_;
  QString path_;
  int listener_ = 0;
  QString edit_failure_;  // set by edit_failed() during push_edit's push
  bool mute_ = false;     // while restoring a snapshot: one Reset instead of the graph's own
};

}  // namespace nw::gui
