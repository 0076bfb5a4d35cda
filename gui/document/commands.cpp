#include "document/commands.h"

#include <cmath>

#include "document/project_document.h"

namespace nw::gui {

GraphCommand::GraphCommand(ProjectDocument* doc, const QString& text, Edit edit, bool analyze)
    : QUndoCommand(text),
      doc_(doc),
      edit_(std::move(edit)),
      analyze_(analyze),
      scope_(doc->scope()),
      via_(doc->scope_via_) {}

void GraphCommand::redo() {
  if (applied_once_) {
    doc_->restore_graph(after_, scope_, via_);
    return;
  }
  applied_once_ = true;
  graph::Graph& live = doc_->scope_graph(scope_);
  before_ = live;
  // The document hears the project's graph always; a body only while this edit runs (a body
  // moves when definitions are added, so a lasting subscription could outlive it).
  const int token =
      live.is_body()
          ? live.subscribe([doc = doc_](const graph::GraphChange& c) { emit doc->graphChanged(c); })
          : 0;
  QString failure;
  try {
    edit_(live);
  } catch (const std::exception& e) {
    failure = QString::fromUtf8(e.what());
  } catch (...) {
    failure = QObject::tr("an unknown error");
  }
  if (token) live.unsubscribe(token);
  if (!failure.isNull()) {
    // NOTE: the document tried the edit on a copy before pushing, so this happens only when a
    // listener (a view) throws: restore the state rather than keep half an edit, and tell the
    // document, whose push_edit() then refuses the edit with the reason.
    doc_->restore_graph(before_, scope_, via_);
    setObsolete(true);  // QUndoStack::push deletes it: no undo step for an edit that never was
    after_ = before_;
    doc_->edit_failed(text(), failure);
    return;
  }
  after_ = live;
  edit_ = nullptr;  // the snapshots replace it; lambdas may hold large captures (pasted graphs)
  if (analyze_) doc_->reanalyze();
}

void GraphCommand::undo() {
  doc_->restore_graph(before_, scope_, via_);
}

// ---- moves

namespace {
// Positions are stored whole: sub-unit offsets from mouse deltas are noise in a project file.
std::array<double, 2> tidy(QPointF p) {
  return {std::round(p.x()), std::round(p.y())};
}
}  // namespace

MoveCommand::MoveCommand(ProjectDocument* doc, std::vector<std::pair<std::string, QPointF>> moves,
                         int drag_id)
    : GraphCommand(
          doc, QObject::tr("Move"),
          [moves = std::move(moves)](graph::Graph& g) {
            for (const auto& [id, pos] : moves) g.move_node(id, tidy(pos));
          },
          false),
      drag_id_(drag_id) {}

bool MoveCommand::mergeWith(const QUndoCommand* other) {
  const auto* next = dynamic_cast<const MoveCommand*>(other);
  if (!next || next->drag_id_ != drag_id_ || drag_id_ <= 0 || next->scope_ != scope_) return false;
  // QUndoStack merges only with the command on top, so `next` started from our after_.
  after_ = next->after_;
  return true;
}

// ---- settings

SettingsCommand::SettingsCommand(ProjectDocument* doc, const QString& text, ProjectSettings after)
    : QUndoCommand(text), doc_(doc), after_(std::move(after)) {
  const io::Project& p = doc->project();
  before_ = {p.name, p.data, p.training};
}

void SettingsCommand::redo() {
  apply(after_);
}

void SettingsCommand::undo() {
  apply(before_);
}

void SettingsCommand::apply(const ProjectSettings& s) {
  io::Project& p = *doc_->project_;
  p.name = s.name;
  p.data = s.data;
  p.training = s.training;
  emit doc_->configChanged();
}

}  // namespace nw::gui
