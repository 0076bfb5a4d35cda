#pragma once
// The canvas: zooms around the cursor with the wheel, pans with the middle button or with
// space + drag, selects with a rubber band, deletes the selection with Delete, and accepts layer
// types dropped from the palette. A subtle grid is drawn behind the nodes.
#include <QGraphicsView>

namespace nw::gui {

class GraphScene;

class GraphView : public QGraphicsView {
  Q_OBJECT

 public:
  explicit GraphView(GraphScene* scene, QWidget* parent = nullptr);

  GraphScene* graph_scene() const { return scene_; }
  double zoom() const { return transform().m11(); }
  // Scales by `factor`, keeping the scene point under `anchor` (viewport coordinates) in place.
  void zoom_by(double factor, QPointF anchor);
  void zoom_in();
  void zoom_out();
  void fit();  // every node in view, at most at 125%
  // What a project opens at: fit() when the nodes fit at a readable zoom, otherwise the start of
  // the graph (its top) at the smallest readable zoom, because a fitted 70-node column is a
  // strip of unreadable boxes.
  void show_graph();

  static constexpr double kMinZoom = 0.1;
  static constexpr double kMaxZoom = 4.0;
  static constexpr double kReadableZoom = 0.7;  // node text stays legible at 100% screen scale
  static constexpr double kTightMargin = 12;    // scene units around a graph shown whole

 signals:
  // A palette type was dropped at `scene_pos` (the point under the cursor).
  void layerDropped(const QString& type, QPointF scene_pos);
  // A library block was dropped: its block file's text (kBlockFileMimeType).
  void blockDropped(const QString& block_file, QPointF scene_pos);
  void deleteRequested();

 protected:
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void keyReleaseEvent(QKeyEvent* event) override;
  void focusOutEvent(QFocusEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dragMoveEvent(QDragMoveEvent* event) override;
  void dragLeaveEvent(QDragLeaveEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void drawBackground(QPainter* painter, const QRectF& rect) override;

 private:
  void set_space_held(bool held);

  GraphScene* scene_;
  bool panning_ = false;
  bool space_held_ = false;
  QPoint pan_last_;
};

}  // namespace nw::gui
