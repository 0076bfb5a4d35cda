#include "editor/graph_editor.h"

#include <QApplication>
#include <QClipboard>
#include <QMimeData>
#include <QVBoxLayout>

#include "document/project_document.h"
#include "editor/edge_item.h"
#include "editor/editor_style.h"
#include "editor/graph_scene.h"
#include "editor/graph_view.h"
#include "editor/node_item.h"
#include "editor/palette_widget.h"
#include "editor/scope_bar.h"
#include "graph/block.h"
#include "graph/layout.h"

namespace nw::gui {

namespace {
const QPointF kHalfNode(style::kNodeWidth / 2, style::kNodeHeight / 2);
}  // namespace

GraphEditor::GraphEditor(ProjectDocument* doc, QWidget* parent)
    : QWidget(parent),
      doc_(doc),
      scene_(new GraphScene(doc, this)),
      view_(new GraphView(scene_)),
      scope_bar_(new ScopeBar(doc)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addWidget(scope_bar_);
  layout->addWidget(view_);
  setFocusProxy(view_);

  connect(scene_, &QGraphicsScene::selectionChanged, this,
          [this] { emit selectionChanged(selected_nodes()); });
  connect(scene_, &GraphScene::nodeActivated, this, [this](const QString& id) {
    const graph::Node* n = doc_->graph().find(id.toStdString());
    if (!n || !graph::is_block_type(n->type)) {
      emit nodeActivated(id);
      return;
    }
    // NOTE: queued: opening rebuilds the scene, deleting the item under the mouse while the
    // scene still handles its double-click.
    QMetaObject::invokeMethod(
        this, [this, id] { open_block(id); }, Qt::QueuedConnection);
  });
  connect(doc_, &ProjectDocument::scopeChanged, this, [this] {
    scene_->clearSelection();
    refit_ = true;
  });
  // After the scene's own handler (connected in its constructor): the new graph is drawn.
  connect(doc_, &ProjectDocument::graphChanged, this, [this](const graph::GraphChange& c) {
    if (c.kind != graph::GraphChange::Kind::Reset || !refit_) return;
    refit_ = false;
    view_->show_graph();
  });
  connect(scene_, &GraphScene::connectionRefused, this, &GraphEditor::message);
  connect(view_, &GraphView::layerDropped, this,
          [this](const QString& type, QPointF at) { add_layer_at(type, at); });
  connect(view_, &GraphView::deleteRequested, this, &GraphEditor::delete_selection);
}

// NOTE: the scene is a child, deleted after this body by ~QWidget; deleting its selected items
// emits selectionChanged, which the forwarding lambda would answer from a half-destroyed editor.
GraphEditor::~GraphEditor() {
  scene_->disconnect(this);
}

QStringList GraphEditor::selected_nodes() const {
  return scene_->selected_node_ids();
}

bool GraphEditor::show_shapes() const {
  return scene_->show_shapes();
}

void GraphEditor::connect_palette(PaletteWidget* palette) {
  connect(palette, &PaletteWidget::addRequested, this, [this](const QString& t) { add_layer(t); });
}

// ---- selection

void GraphEditor::select_project_node(const QString& id) {
  doc_->set_scope({});
  select_node(id);
}

void GraphEditor::select_node(const QString& id) {
  NodeItem* item = scene_->node_item(id);
  if (!item) return;
  scene_->select_nodes({id});
  view_->ensureVisible(item, 40, 40);
}

void GraphEditor::select_all() {
  QStringList ids;
  for (const auto& n : doc_->graph().nodes()) ids << QString::fromStdString(n.id);
  scene_->select_nodes(ids);
}

bool GraphEditor::find_layer(const QString& text) {
  const QString needle = text.trimmed();
  if (needle.isEmpty()) return false;
  const auto& nodes = doc_->graph().nodes();
  auto pick = [&](auto matches) -> bool {
    for (const auto& n : nodes) {
      if (!matches(n)) continue;
      const QString id = QString::fromStdString(n.id);
      select_node(id);
      view_->centerOn(scene_->node_item(id));
      return true;
    }
    return false;
  };
  auto has = [&](const std::string& s) {
    return QString::fromStdString(s).contains(needle, Qt::CaseInsensitive);
  };
  return pick([&](const auto& n) { return QString::fromStdString(n.id) == needle; }) ||
         pick([&](const auto& n) {
           return QString::fromStdString(n.label).compare(needle, Qt::CaseInsensitive) == 0;
         }) ||
         pick([&](const auto& n) { return has(n.id) || has(n.label) || has(n.type); });
}

// ---- clipboard

void GraphEditor::copy() {
  const QString json = doc_->copy_nodes(selected_nodes());
  if (json.isEmpty()) return;
  auto* data = new QMimeData;
  data->setData(kNodesMimeType, json.toUtf8());
  data->setText(json);
  QApplication::clipboard()->setMimeData(data);
}

void GraphEditor::cut() {
  copy();
  delete_selection();
}

void GraphEditor::paste() {
  const QMimeData* data = QApplication::clipboard()->mimeData();
  if (!data) return;
  const QString json = data->hasFormat(kNodesMimeType)
                           ? QString::fromUtf8(data->data(kNodesMimeType))
                           : data->text();
  // Each paste of the same nodes lands a step further, so copies do not pile up.
  paste_count_ = json == last_paste_ ? paste_count_ + 1 : 1;
  last_paste_ = json;
  const QStringList ids = doc_->paste_nodes(json, QPointF(40, 40) * paste_count_);
  if (ids.isEmpty())
    emit message(tr("The clipboard holds no Netwright nodes"));
  else
    scene_->select_nodes(ids);
}

void GraphEditor::duplicate() {
  const QString json = doc_->copy_nodes(selected_nodes());
  if (json.isEmpty()) return;
  const QStringList ids = doc_->paste_nodes(json, QPointF(40, 40));
  scene_->select_nodes(ids);
}

void GraphEditor::delete_selection() {
  const QStringList nodes = selected_nodes();
  std::vector<graph::Edge> edges;
  for (const graph::Edge& e : scene_->selected_edges())
    if (!nodes.contains(QString::fromStdString(e.from.node)) &&
        !nodes.contains(QString::fromStdString(e.to.node)))
      edges.push_back(e);
  if (nodes.isEmpty() && edges.empty()) return;
  QUndoStack* undo = doc_->undo_stack();
  undo->beginMacro(tr("Delete"));
  for (const graph::Edge& e : edges) doc_->disconnect_ports(e);
  doc_->remove_nodes(nodes);
  undo->endMacro();
}

// ---- view

void GraphEditor::zoom_in() {
  view_->zoom_in();
}

void GraphEditor::zoom_out() {
  view_->zoom_out();
}

void GraphEditor::fit() {
  view_->fit();
}

void GraphEditor::show_graph() {
  view_->show_graph();
}

void GraphEditor::set_show_shapes(bool show) {
  scene_->set_show_shapes(show);
}

// ---- blocks

bool GraphEditor::open_block(const QString& id) {
  if (!doc_->open_block(id)) return false;
  view_->setFocus();
  return true;
}

void GraphEditor::open_selected_block() {
  const QStringList selected = selected_nodes();
  if (selected.size() != 1 || !open_block(selected.front()))
    emit message(tr("Select one block use to open"));
}

void GraphEditor::close_block() {
  doc_->close_block();
}

// ---- adding layers

QPointF GraphEditor::free_spot(QPointF top_left) const {
  const graph::LayoutSpacing spacing;
  for (int tries = 0; tries < 200; ++tries) {
    const QRectF box(top_left, QSizeF(style::kNodeWidth, style::kNodeHeight));
    bool taken = false;
    for (const auto& n : doc_->graph().nodes())
      if (box.intersects(
              QRectF(QPointF(n.pos[0], n.pos[1]), QSizeF(style::kNodeWidth, style::kNodeHeight)))) {
        taken = true;
        break;
      }
    if (!taken) break;
    top_left.ry() += spacing.row;
  }
  return top_left;
}

QString GraphEditor::add_layer_at(const QString& type, QPointF scene_pos) {
  QString why;
  const QString id = doc_->add_node(type, scene_pos - kHalfNode, {}, {}, &why);
  if (id.isEmpty()) {
    emit message(why);
    return {};
  }
  scene_->select_nodes({id});
  view_->setFocus();
  return id;
}

QString GraphEditor::add_layer(const QString& type) {
  const auto* t = doc_->graph().find_type(type.toStdString());
  if (!t) {
    emit message(tr("unknown layer type '%1'").arg(type));
    return {};
  }
  const QStringList selected = selected_nodes();
  const QString after = selected.size() == 1 ? selected.front() : QString();
  const QPointF centre = view_->mapToScene(view_->viewport()->rect().center());
  const QPointF at = free_spot(centre - kHalfNode);

  QUndoStack* undo = doc_->undo_stack();
  undo->beginMacro(after.isEmpty() ? tr("Add %1").arg(type)
                                   : tr("Add %1 after %2").arg(type, after));
  QString why;
  const QString id = doc_->add_node(type, at, {}, {}, &why);
  if (!id.isEmpty() && !after.isEmpty() && !t->inputs.empty()) {
    const graph::Node* prev = doc_->graph().find(after.toStdString());
    const auto* pt = prev ? doc_->graph().find_type(prev->type) : nullptr;
    if (pt && !pt->outputs.empty())
      doc_->connect_ports({after.toStdString(), 0}, {id.toStdString(), 0}, &why);
  }
  undo->endMacro();
  if (id.isEmpty()) {
    emit message(why);
    return {};
  }
  scene_->select_nodes({id});
  if (NodeItem* item = scene_->node_item(id)) view_->ensureVisible(item, 40, 40);
  return id;
}

}  // namespace nw::gui
