#pragma once
// The node editor as one widget: the canvas (GraphView over GraphScene) and the editing actions
// the main window's menus call. Every edit goes through the ProjectDocument, so each one is an
// undo step; the editor itself keeps no graph state beyond what is selected.
#include <QPointF>
#include <QStringList>
#include <QWidget>

namespace nw::gui {

class GraphScene;
class GraphView;
class PaletteWidget;
class ProjectDocument;
class ScopeBar;

class GraphEditor : public QWidget {
  Q_OBJECT

 public:
  static constexpr char kNodesMimeType[] = "application/x-netwright-nodes";

  explicit GraphEditor(ProjectDocument* doc, QWidget* parent = nullptr);
  ~GraphEditor() override;

  ProjectDocument* document() const { return doc_; }
  GraphScene* scene() const { return scene_; }
  GraphView* view() const { return view_; }
  ScopeBar* scope_bar() const { return scope_bar_; }
  QStringList selected_nodes() const;  // in graph order
  bool show_shapes() const;
  // Double-clicks (and Enter in the search field) in `palette` add layers here.
  void connect_palette(PaletteWidget* palette);

 public slots:
  void select_node(const QString& id);  // selects it alone and scrolls it into view
  // A node of the project's graph (a message names one): leaves an open block first.
  void select_project_node(const QString& id);
  void select_all();
  void copy();
  void cut();
  void paste();
  void duplicate();
  void delete_selection();  // nodes (with their edges) and selected edges, one undo step
  void zoom_in();
  void zoom_out();
  void fit();
  void show_graph();  // GraphView::show_graph
  void set_show_shapes(bool show);
  // Opens the body of the block that use `id` (a node of type "Block:<name>") stands for, in
  // this view with a breadcrumb bar; false when `id` is no use. A double-click does it too.
  bool open_block(const QString& id);
  void open_selected_block();  // the single selected use
  void close_block();          // one level up
  // Selects and centres the first node whose id, label or type matches `text` (an exact id
  // first, then case-insensitive substrings). False when none does.
  bool find_layer(const QString& text);
  // Adds `type` at the view centre, connected after the selected node when there is one
  // (one undo step); selects it and returns its id (empty when refused).
  QString add_layer(const QString& type);
  // Adds `type` with its box centred on `scene_pos` (a drop); selects it.
  QString add_layer_at(const QString& type, QPointF scene_pos);

 signals:
  void selectionChanged(const QStringList& ids);
  void nodeActivated(const QString& id);  // double-click on a node that is not a block use
  void message(const QString& text);      // why an edit was refused, for the status bar

 private:
  QPointF free_spot(QPointF top_left) const;  // moved down until no node box is there

  ProjectDocument* doc_;
  GraphScene* scene_;
  GraphView* view_;
  ScopeBar* scope_bar_;
  bool refit_ = false;  // the scope changed: show the new graph whole once it is drawn
  QString last_paste_;
  int paste_count_ = 0;
};

}  // namespace nw::gui
