#include "editor/graph_view.h"

#include <QKeyEvent>
#include <QMimeData>
#include <QScrollBar>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

#include "editor/editor_style.h"
#include "editor/graph_scene.h"
#include "editor/palette_model.h"

namespace nw::gui {

GraphView::GraphView(GraphScene* scene, QWidget* parent)
    : QGraphicsView(scene, parent), scene_(scene) {
  setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing |
                 QPainter::SmoothPixmapTransform);
  setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
  setDragMode(QGraphicsView::RubberBandDrag);
  setRubberBandSelectionMode(Qt::IntersectsItemShape);
  // Zooming keeps the point under the cursor itself (zoom_by); resizing keeps the centre.
  setTransformationAnchor(QGraphicsView::NoAnchor);
  setResizeAnchor(QGraphicsView::AnchorViewCenter);
  setAcceptDrops(true);
  setFocusPolicy(Qt::StrongFocus);
  setFrameShape(QFrame::NoFrame);
  // The canvas is panned and zoomed directly; scroll bars over a boundless canvas say nothing.
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
}

// ---- zoom

void GraphView::zoom_by(double factor, QPointF anchor) {
  const double target = std::clamp(zoom() * factor, kMinZoom, kMaxZoom);
  if (target == zoom()) return;
  const QPointF before = mapToScene(anchor.toPoint());
  const double f = target / zoom();
  scale(f, f);
  // Scroll so that `before` is under the anchor again.
  const QPointF after = mapToScene(anchor.toPoint());
  centerOn(mapToScene(viewport()->rect().center()) + (before - after));
}

void GraphView::zoom_in() {
  zoom_by(1.25, viewport()->rect().center());
}

void GraphView::zoom_out() {
  zoom_by(1 / 1.25, viewport()->rect().center());
}

void GraphView::fit() {
  const QRectF r = scene_->nodes_rect();
  if (r.isEmpty()) {
    setTransform(QTransform());
    centerOn(0, 0);
    return;
  }
  fitInView(r.adjusted(-40, -40, 40, 40), Qt::KeepAspectRatio);
  const double z = std::clamp(zoom(), kMinZoom, 1.25);
  if (z != zoom()) setTransform(QTransform::fromScale(z, z));
  centerOn(r.center());
}

void GraphView::show_graph() {
  fit();
  const QRectF r = scene_->nodes_rect();
  if (r.isEmpty() || zoom() >= kReadableZoom) return;
  // fit()'s margins cost a small graph its last node (the MLP's fc3): whole and readable with
  // a narrow margin beats a part of it.
  const QRectF tight = r.adjusted(-kTightMargin, -kTightMargin, kTightMargin, kTightMargin);
  const double whole =
      std::min(viewport()->width() / tight.width(), viewport()->height() / tight.height());
  if (whole >= kReadableZoom) {
    setTransform(QTransform::fromScale(whole, whole));
    centerOn(r.center());
    return;
  }
  setTransform(QTransform::fromScale(kReadableZoom, kReadableZoom));
  const double visible_height = viewport()->height() / kReadableZoom;
  centerOn(r.center().x(), r.top() - 40 + visible_height / 2);
}

void GraphView::wheelEvent(QWheelEvent* event) {
  const int delta = event->angleDelta().y();
  if (delta == 0) return QGraphicsView::wheelEvent(event);
  zoom_by(std::pow(1.0015, delta), event->position());  // one notch (120) is about 20%
  event->accept();
}

// ---- panning

void GraphView::mousePressEvent(QMouseEvent* event) {
  const bool pan =
      event->button() == Qt::MiddleButton || (space_held_ && event->button() == Qt::LeftButton);
  if (!pan) return QGraphicsView::mousePressEvent(event);
  panning_ = true;
  pan_last_ = event->position().toPoint();
  viewport()->setCursor(Qt::ClosedHandCursor);
  event->accept();
}

void GraphView::mouseMoveEvent(QMouseEvent* event) {
  if (!panning_) return QGraphicsView::mouseMoveEvent(event);
  const QPoint p = event->position().toPoint(), d = p - pan_last_;
  pan_last_ = p;
  horizontalScrollBar()->setValue(horizontalScrollBar()->value() - d.x());
  verticalScrollBar()->setValue(verticalScrollBar()->value() - d.y());
  event->accept();
}

void GraphView::mouseReleaseEvent(QMouseEvent* event) {
  if (!panning_) return QGraphicsView::mouseReleaseEvent(event);
  panning_ = false;
  if (space_held_)
    viewport()->setCursor(Qt::OpenHandCursor);
  else
    viewport()->unsetCursor();
  event->accept();
}

void GraphView::set_space_held(bool held) {
  space_held_ = held;
  if (held)
    viewport()->setCursor(Qt::OpenHandCursor);
  else if (!panning_)
    viewport()->unsetCursor();
}

void GraphView::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
    set_space_held(true);
    event->accept();
    return;
  }
  if (event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) {
    emit deleteRequested();
    event->accept();
    return;
  }
  QGraphicsView::keyPressEvent(event);
}

void GraphView::keyReleaseEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
    set_space_held(false);
    event->accept();
    return;
  }
  QGraphicsView::keyReleaseEvent(event);
}

void GraphView::focusOutEvent(QFocusEvent* event) {
  set_space_held(false);  // the release may go to another widget
  QGraphicsView::focusOutEvent(event);
}

// ---- drops from the palette
// NOTE: QGraphicsView's own handlers pass drags to the scene, which refuses them when no item
// accepts drops; the canvas itself is the target here, so they are not called.

namespace {

bool from_palette(const QMimeData* data) {
  return data->hasFormat(kLayerMimeType) || data->hasFormat(kBlockFileMimeType);
}

}  // namespace

void GraphView::dragEnterEvent(QDragEnterEvent* event) {
  if (from_palette(event->mimeData()))
    event->acceptProposedAction();
  else
    event->ignore();
}

void GraphView::dragMoveEvent(QDragMoveEvent* event) {
  if (from_palette(event->mimeData()))
    event->acceptProposedAction();
  else
    event->ignore();
}

void GraphView::dragLeaveEvent(QDragLeaveEvent* event) {
  event->accept();
}

void GraphView::dropEvent(QDropEvent* event) {
  if (event->mimeData()->hasFormat(kBlockFileMimeType)) {
    event->acceptProposedAction();
    return emit blockDropped(QString::fromUtf8(event->mimeData()->data(kBlockFileMimeType)),
                             mapToScene(event->position().toPoint()));
  }
  if (!event->mimeData()->hasFormat(kLayerMimeType)) return event->ignore();
  const QString type = QString::fromUtf8(event->mimeData()->data(kLayerMimeType));
  event->acceptProposedAction();
  emit layerDropped(type, mapToScene(event->position().toPoint()));
}

// ---- grid

void GraphView::drawBackground(QPainter* painter, const QRectF& rect) {
  const style::Colors c = style::colors(palette());
  painter->fillRect(rect, c.canvas);
  const double step = style::kGridStep;
  // Minor lines only while they are at least 8 pixels apart; major lines every fifth step.
  const bool minor = step * zoom() >= 8;
  const double major = step * 5;
  painter->setRenderHint(QPainter::Antialiasing, false);
  for (int pass = minor ? 0 : 1; pass < 2; ++pass) {
    const double s = pass == 0 ? step : major;
    if (s * zoom() < 6) continue;
    QPen pen(pass == 0 ? c.grid_minor : c.grid_major, 0);  // cosmetic: one device pixel
    painter->setPen(pen);
    const double left = std::floor(rect.left() / s) * s;
    const double top = std::floor(rect.top() / s) * s;
    QVector<QLineF> lines;
    for (double x = left; x <= rect.right(); x += s)
      if (pass == 1 || std::fmod(std::abs(x), major) > 1e-6)
        lines << QLineF(x, rect.top(), x, rect.bottom());
    for (double y = top; y <= rect.bottom(); y += s)
      if (pass == 1 || std::fmod(std::abs(y), major) > 1e-6)
        lines << QLineF(rect.left(), y, rect.right(), y);
    painter->drawLines(lines);
  }
}

}  // namespace nw::gui
