// ProjectDocument: files, settings, analysis and the undo plumbing. Graph edits are in
// document_edits.cpp, the clipboard in document_clipboard.cpp.
#include "document/project_document.h"

#include <QFileInfo>

#include <filesystem>

#include "document/commands.h"
#include "editor/node_text.h"
#include "io/new_project.h"
#include "io/project.h"

namespace nw::gui {

namespace {

std::filesystem::path fs_path(const QString& path) {
  return std::filesystem::path(path.toStdString());
}

}  // namespace

ProjectDocument::ProjectDocument(QObject* parent)
    : QObject(parent), project_(std::make_unique<io::Project>()) {
  // NOTE: the listener stays on project_->graph for the document's life: reset() assigns into
  // the same Graph object (assignment keeps listeners), it never replaces it.
  listener_ = project_->graph.subscribe([this](const graph::GraphChange& change) {
    if (!mute_) emit graphChanged(change);
  });
  connect(&undo_, &QUndoStack::cleanChanged, this,
          [this](bool clean) { emit modifiedChanged(!clean); });
  new_project();
}

ProjectDocument::~ProjectDocument() {
  project_->graph.unsubscribe(listener_);
}

// ---- files

void ProjectDocument::open(const QString& path) {
  io::Project p = io::load_project(fs_path(path));  // throws before anything changes
  reset(std::move(p), QFileInfo(path).absoluteFilePath());
}

void ProjectDocument::reset(io::Project project, const QString& path) {
  undo_.clear();  // the commands' snapshots belong to the old project; emits cleanChanged
  mute_ = true;
  project_->name = std::move(project.name);
  project_->graph = project.graph;
  project_->data = std::move(project.data);
  project_->training = std::move(project.training);
  project_->extra = std::move(project.extra);
  project_->path = path.isEmpty() ? std::move(project.path) : fs_path(path);
  mute_ = false;
  const bool rescoped = !scope_.isEmpty();
  scope_.clear();
  scope_via_.clear();
  if (rescoped) emit scopeChanged();
  reanalyze();
  emit graphChanged({graph::GraphChange::Kind::Reset});
  emit configChanged();
  if (path_ != path) {
    path_ = path;
    emit pathChanged(path_);
  }
}

void ProjectDocument::new_project() {
  reset(io::new_project());
}

void ProjectDocument::save(const QString& path) {
  const QString abs = QFileInfo(path).absoluteFilePath();
  try {
    io::save_project(*project_, fs_path(abs));
  } catch (const std::exception& e) {
    // write_file_atomic names the path already; other failures may not.
    const std::string what = e.what();
    throw Error(what.find(abs.toStdString()) != std::string::npos
                    ? what
                    : "cannot save '" + abs.toStdString() + "': " + what);
  }
  project_->path = fs_path(abs);
  undo_.setClean();
  if (path_ != abs) {
    path_ = abs;
    emit pathChanged(path_);
  }
}

QString ProjectDocument::display_name() const {
  if (!project_->name.empty()) return QString::fromStdString(project_->name);
  if (!path_.isEmpty()) return QFileInfo(path_).fileName();
  return tr("Untitled");
}

bool ProjectDocument::is_modified() const {
  return !undo_.isClean();
}

// ---- analysis

void ProjectDocument::reanalyze() {
  // Always the whole project: an edit inside a body changes every use of the block.
  analysis_ = graph::analyze(project_->graph);
  if (fit_scope()) {
    emit scopeChanged();
    emit graphChanged({graph::GraphChange::Kind::Reset});
  }
  emit analysisChanged();
}

void ProjectDocument::restore_graph(const graph::Graph& snapshot, const QStringList& path,
                                    const QStringList& via) {
  graph::Graph* target = nullptr;
  try {
    target = &scope_graph(path);
  } catch (const std::exception& e) {  // a linear undo history keeps its blocks: a defect
    emit editFailed(tr("Cannot restore the graph: %1").arg(QString::fromUtf8(e.what())));
    return;
  }
  mute_ = true;
  *target = snapshot;
  mute_ = false;
  const bool moved = path != scope_;
  if (moved) {  // undo and redo show where the edit was made
    scope_ = path;
    scope_via_ = via;
  }
  // The analysis first: views rebuilding on Reset read it.
  analysis_ = graph::analyze(project_->graph);
  if (fit_scope() || moved) emit scopeChanged();
  emit graphChanged({graph::GraphChange::Kind::Reset});
  emit analysisChanged();
}

QString ProjectDocument::shape_text(const graph::PortRef& output) const {
  const graph::Analysis& a = analysis();  // in a body, the shapes of the use it is seen through
  auto it = a.nodes.find(output.node);
  if (it == a.nodes.end() || !it->second.shapes_known) return {};
  const auto& outs = it->second.outputs;
  if (output.port < 0 || output.port >= static_cast<int>(outs.size())) return {};
  return gui::shape_text(outs[static_cast<size_t>(output.port)]);
}

// ---- settings

void ProjectDocument::set_name(const QString& name) {
  if (name.toStdString() == project_->name) return;
  ProjectSettings s{name.toStdString(), project_->data, project_->training};
  undo_.push(new SettingsCommand(this, tr("Rename project"), std::move(s)));
}

void ProjectDocument::set_data_config(const io::DataConfig& data) {
  if (io::to_json(data) == io::to_json(project_->data)) return;
  undo_.push(new SettingsCommand(this, tr("Change data settings"),
                                 {project_->name, data, project_->training}));
}

void ProjectDocument::set_training_config(const io::TrainingConfig& training) {
  if (io::to_json(training) == io::to_json(project_->training)) return;
  undo_.push(new SettingsCommand(this, tr("Change training settings"),
                                 {project_->name, project_->data, training}));
}

}  // namespace nw::gui
