// ProjectDocument's edit scope: the project's graph or the body of a block definition, opened
// from a use. A body has no shapes of its own, so the editor shows those of the use it came
// through, taken from the whole project's analysis (graph/body_analysis.h).
#include "document/project_document.h"
#include "graph/block.h"

namespace nw::gui {

namespace {

std::vector<std::string> std_list(const QStringList& list) {
  std::vector<std::string> out;
  for (const QString& s : list) out.push_back(s.toStdString());
  return out;
}

}  // namespace

const graph::Graph& ProjectDocument::graph() const {
  // NOTE: never throws: fit_scope() leaves a level whose block is gone before any view hears of
  // the change, but a view asking in between gets the project's graph rather than a crash.
  const graph::Graph* g = &project_->graph;
  for (const QString& name : scope_) {
    if (!project_->graph.find_block(name.toStdString())) return project_->graph;
    g = &project_->graph.block_body(name.toStdString());
  }
  return *g;
}

const graph::Analysis& ProjectDocument::analysis() const {
  return scope_.isEmpty() ? analysis_ : body_.analysis;
}

graph::Graph& ProjectDocument::scope_graph(const QStringList& path) {
  graph::Graph* g = &project_->graph;
  for (const QString& name : path) {
    if (!project_->graph.find_block(name.toStdString()))
      throw graph::GraphError("block '" + name.toStdString() + "' is not defined in this project");
    g = &project_->graph.block_body(name.toStdString());
  }
  return *g;
}

bool ProjectDocument::set_scope(const QStringList& path, const QStringList& via, QString* why) {
  for (const QString& name : path)
    if (!project_->graph.find_block(name.toStdString())) {
      if (why) *why = tr("block '%1' is not defined in this project").arg(name);
      return false;
    }
  if (path == scope_ && via == scope_via_) return true;
  scope_ = path;
  scope_via_ = via;
  fit_scope();
  emit scopeChanged();
  emit graphChanged({graph::GraphChange::Kind::Reset});
  emit analysisChanged();
  return true;
}

QStringList ProjectDocument::scope_uses() const {
  QStringList out;
  for (const std::string& use : body_.uses) out << QString::fromStdString(use);
  return out;
}

bool ProjectDocument::open_block(const QString& id) {
  const graph::Node* n = graph().find(id.toStdString());
  const std::string name = n ? graph::block_name(n->type) : std::string();
  if (name.empty() || !project_->graph.find_block(name)) return false;
  // The uses the current level is seen through, then this one.
  QStringList via = scope_uses();
  if (via.size() != scope_.size()) via = scope_via_.mid(0, scope_.size());
  while (via.size() < scope_.size()) via << QString();
  via << id;
  return set_scope(QStringList(scope_) << QString::fromStdString(name), via);
}

void ProjectDocument::close_block() {
  if (scope_.isEmpty()) return;
  set_scope(scope_.mid(0, scope_.size() - 1), scope_via_.mid(0, scope_.size() - 1));
}

bool ProjectDocument::fit_scope() {
  const QStringList was = scope_;
  while (!scope_.isEmpty()) {
    try {
      body_ =
          graph::analyze_body(project_->graph, analysis_, std_list(scope_), std_list(scope_via_));
      break;
    } catch (const graph::GraphError&) {  // a block of the path is gone: show the level above
      scope_.removeLast();
      scope_via_ = scope_via_.mid(0, scope_.size());
    }
  }
  if (scope_.isEmpty()) body_ = {};
  return scope_ != was;
}

}  // namespace nw::gui
