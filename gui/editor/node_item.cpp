#include "editor/node_item.h"

#include <QFontMetricsF>

#include <algorithm>
#include <cmath>

#include <QGraphicsScene>
#include <QLocale>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include "document/project_document.h"
#include "editor/graph_scene.h"
#include "editor/node_text.h"
#include "editor/port_item.h"
#include "graph/block.h"
#include "graph/param_count.h"

namespace nw::gui {

namespace {

using style::kNodeHeight;
using style::kNodeWidth;

constexpr double kPad = 8;                                // inner margin
constexpr double kTextLeft = style::kStripeWidth + kPad;  // text starts after the stripe
constexpr double kRow = 17;                               // three rows of text
constexpr double kBlockStack = 4;  // how far a block use's back card shows (< kPortReach)

QString port_tooltip(const graph::PortSpec& spec, bool output, int index) {
  return QStringLiteral("%1 %2: %3%4")
      .arg(output ? QObject::tr("output") : QObject::tr("input"))
      .arg(index)
      .arg(QString::fromStdString(spec.name),
           spec.description.empty()
               ? QString()
               : QStringLiteral(" — ") + QString::fromStdString(spec.description));
}

// A padlock: the node's weights are frozen.
void draw_lock(QPainter* p, QPointF at, const QColor& color) {
  p->save();
  p->setPen(QPen(color, 1.3));
  p->setBrush(Qt::NoBrush);
  p->drawArc(QRectF(at.x() + 1.5, at.y(), 6, 7), 0, 180 * 16);
  p->setBrush(color);
  p->drawRoundedRect(QRectF(at.x(), at.y() + 4, 9, 6.5), 1.2, 1.2);
  p->restore();
}

}  // namespace

NodeItem::NodeItem(ProjectDocument* doc, const QString& id) : doc_(doc), id_(id) {
  setFlags(ItemIsMovable | ItemIsSelectable | ItemSendsGeometryChanges);
  setAcceptHoverEvents(true);
  const graph::Node* node = doc_->graph().find(id.toStdString());
  const graph::LayerType* t = node ? doc_->graph().find_type(node->type) : nullptr;
  block_ = node && graph::is_block_type(node->type);
  if (t) {
    type_ = QString::fromStdString(t->name);
    stripe_ = style::category_color(t->category);
    for (size_t i = 0; i < t->inputs.size(); ++i) {
      auto* port = new PortItem(this, false, int(i), port_tooltip(t->inputs[i], false, int(i)));
      port->setPos(kNodeWidth * double(i + 1) / double(t->inputs.size() + 1), 0);
      inputs_.push_back(port);
    }
    for (size_t i = 0; i < t->outputs.size(); ++i) {
      auto* port = new PortItem(this, true, int(i), port_tooltip(t->outputs[i], true, int(i)));
      port->setPos(kNodeWidth * double(i + 1) / double(t->outputs.size() + 1), kNodeHeight);
      outputs_.push_back(port);
    }
  }
  if (node) setPos(node->pos[0], node->pos[1]);
  refresh();
}

void NodeItem::set_id(const QString& id) {
  id_ = id;
  refresh();
}

void NodeItem::set_sparkline(const QVector<double>& values, bool alarm) {
  if (values == spark_ && alarm == spark_alarm_) return;
  spark_ = values;
  spark_alarm_ = alarm;
  update();
}

void NodeItem::set_show_shapes(bool show) {
  if (show == show_shapes_) return;
  show_shapes_ = show;
  update();
}

PortItem* NodeItem::input_port(int i) const {
  return i >= 0 && i < int(inputs_.size()) ? inputs_[size_t(i)] : nullptr;
}

PortItem* NodeItem::output_port(int i) const {
  return i >= 0 && i < int(outputs_.size()) ? outputs_[size_t(i)] : nullptr;
}

QString NodeItem::shape_label(int output) const {
  return output >= 0 && output < shapes_.size() ? shapes_[output] : QString();
}

void NodeItem::refresh() {
  const graph::Node* node = doc_->graph().find(id_.toStdString());
  if (!node) return;
  const graph::Analysis& a = doc_->analysis();
  auto info_it = a.nodes.find(node->id);
  const graph::NodeInfo* info = info_it == a.nodes.end() ? nullptr : &info_it->second;

  const graph::LayerType* layer_type = doc_->graph().find_type(node->type);
  title_ = QString::fromStdString(block_ ? graph::block_name(node->type) : node->type);
  subtitle_ = QString::fromStdString(node->label.empty() ? node->id : node->label);
  params_ = key_params(*node, layer_type, info);
  frozen_ = !node->trainable;

  shapes_.clear();
  for (size_t i = 0; i < outputs_.size(); ++i)
    shapes_ << (info && info->shapes_known && i < info->outputs.size()
                    ? shape_text(info->outputs[i])
                    : QStringLiteral("?"));

  int64_t params = -1;
  macs_.clear();
  if (block_) {  // the analysis sums the layers inside the use
    if (info && info->shapes_known && info->block) {
      params = info->block->parameters.value_or(-1);
      macs_ = QObject::tr("%1 MACs").arg(compact_count(info->block->macs));
    }
  } else if (info && info->shapes_known) {
    params = graph::parameter_count(node->type, info->params).value_or(-1);
  }
  count_ = params > 0 ? compact_count(params) : QString();

  QStringList tip;
  tip << QStringLiteral("%1 · %2").arg(QString::fromStdString(node->id),
                                       QString::fromStdString(node->type));
  if (!node->label.empty()) tip << QObject::tr("label: %1").arg(subtitle_);
  if (layer_type && !layer_type->description.empty())
    tip << QString::fromStdString(layer_type->description);
  if (!layer_type) tip << QObject::tr("unknown type '%1'").arg(QString::fromStdString(node->type));
  for (size_t i = 0; i < outputs_.size(); ++i)
    if (shapes_[int(i)] != QLatin1String("?"))
      tip << QObject::tr("output %1: %2").arg(i).arg(shapes_[int(i)]);
  if (params > 0)
    tip << QObject::tr("%1 parameters%2")
               .arg(QLocale().toString(qlonglong(params)),
                    frozen_ ? QObject::tr(", frozen (not trained)") : QString());
  else if (frozen_)
    tip << QObject::tr("frozen (not trained)");
  if (block_ && info && info->block)
    tip << QObject::tr("%1 multiply-accumulates per sample")
               .arg(QLocale().toString(qlonglong(info->block->macs)));
  error_ = warning_ = false;
  for (const graph::Diagnostic& d : a.for_node(node->id)) {
    const bool is_error = d.severity == graph::Diagnostic::Severity::Error;
    (is_error ? error_ : warning_) = true;
    tip << (is_error ? QObject::tr("Error: %1") : QObject::tr("Warning: %1"))
               .arg(QString::fromStdString(d.to_string(doc_->graph())));
  }
  setToolTip(tip.join(QLatin1Char('\n')));

  std::vector<char> connected_in(inputs_.size(), 0), connected_out(outputs_.size(), 0);
  for (const graph::Edge& e : doc_->graph().edges()) {
    if (e.to.node == node->id && e.to.port >= 0 && size_t(e.to.port) < inputs_.size())
      connected_in[size_t(e.to.port)] = 1;
    if (e.from.node == node->id && e.from.port >= 0 && size_t(e.from.port) < outputs_.size())
      connected_out[size_t(e.from.port)] = 1;
  }
  for (size_t i = 0; i < inputs_.size(); ++i) inputs_[i]->set_connected(connected_in[i]);
  for (size_t i = 0; i < outputs_.size(); ++i) outputs_[i]->set_connected(connected_out[i]);
  update();
}

QRectF NodeItem::boundingRect() const {
  const double m = style::kPortReach + 2;
  return {-m, -m, kNodeWidth + 2 * m, kNodeHeight + 2 * m};
}

QPainterPath NodeItem::shape() const {
  QPainterPath p;
  p.addRoundedRect(QRectF(0, 0, kNodeWidth, kNodeHeight), style::kNodeRadius, style::kNodeRadius);
  return p;
}

void NodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
  const style::Colors c = style::colors(scene() ? scene()->palette() : QPalette());
  painter->setRenderHint(QPainter::Antialiasing);
  painter->setRenderHint(QPainter::TextAntialiasing);
  paint_body(painter, c);
  paint_texts(painter, c);
  paint_sparkline(painter, c);
}

void NodeItem::paint_sparkline(QPainter* painter, const style::Colors& c) const {
  // log10 of the positive, finite values: gradient norms span orders of magnitude.
  QVector<double> v;
  for (double x : spark_)
    if (std::isfinite(x) && x > 0) v << std::log10(x);
  if (v.size() < 2) return;
  const QRectF box(kNodeWidth - kPad - 44, 3 + 2 * kRow + 1, 44, kRow - 5);
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  const double span = *hi - *lo > 1e-12 ? *hi - *lo : 1.0;
  QPolygonF line;
  for (int i = 0; i < v.size(); ++i)
    line << QPointF(box.left() + box.width() * i / double(v.size() - 1),
                    box.bottom() - box.height() * (v[i] - *lo) / span);
  painter->save();
  painter->setPen(QPen(spark_alarm_ ? c.warning : c.selection, 1.2));
  painter->setBrush(Qt::NoBrush);
  painter->drawPolyline(line);
  painter->restore();
}

void NodeItem::paint_body(QPainter* painter, const style::Colors& c) const {
  const QRectF body(0, 0, kNodeWidth, kNodeHeight);
  const QPainterPath outline = shape();
  if (isSelected()) {  // a soft halo around the box
    QColor halo = c.selection;
    halo.setAlpha(60);
    painter->setPen(QPen(halo, 7));
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(outline);
  }
  if (block_) {  // a second card behind: the layers the block holds
    painter->setPen(QPen(c.block_border, 1));
    painter->setBrush(c.block_shadow);
    painter->drawPath(outline.translated(kBlockStack, kBlockStack));
  }
  painter->setPen(Qt::NoPen);
  painter->setBrush(frozen_ ? c.frozen_fill : block_ ? c.block_fill : c.node_fill);
  painter->drawPath(outline);
  if (frozen_) {
    QColor hatch = c.text_dim;
    hatch.setAlpha(45);
    QBrush brush(hatch, Qt::BDiagPattern);
    brush.setTransform(QTransform::fromScale(1.5, 1.5));
    painter->setBrush(brush);
    painter->drawPath(outline);
  }
  painter->save();
  painter->setClipPath(outline);
  painter->fillRect(QRectF(0, 0, style::kStripeWidth, kNodeHeight),
                    frozen_ ? QColor::fromHsvF(stripe_.hsvHueF(), stripe_.hsvSaturationF() * 0.3,
                                               stripe_.valueF() * 0.85)
                            : stripe_);
  painter->restore();

  QPen border(block_ ? c.block_border : c.node_border, block_ ? 1.4 : 1);
  if (warning_) border = QPen(c.warning, 1.6);
  if (error_) border = QPen(c.error, 2.2);
  if (isSelected()) border = QPen(error_ ? c.error : c.selection, 2.2);
  painter->setPen(border);
  painter->setBrush(Qt::NoBrush);
  painter->drawRoundedRect(body.adjusted(0.5, 0.5, -0.5, -0.5), style::kNodeRadius,
                           style::kNodeRadius);
}

void NodeItem::paint_texts(QPainter* painter, const style::Colors& c) const {
  const double right = kNodeWidth - kPad;
  const QColor text = frozen_ ? c.text_dim : c.text;

  // Row 1: type, then the id or label on the right.
  const QFont title = style::title_font();
  const QFontMetricsF ft(title);
  const double title_w = std::min(ft.horizontalAdvance(title_), right - kTextLeft);
  painter->setFont(title);
  painter->setPen(text);
  const QRectF row1(kTextLeft, 3, right - kTextLeft, kRow);
  painter->drawText(row1, Qt::AlignLeft | Qt::AlignVCenter,
                    ft.elidedText(title_, Qt::ElideRight, row1.width()));
  const QFont small = style::small_font();
  const QFontMetricsF fs(small);
  painter->setFont(small);
  painter->setPen(c.text_dim);
  const double id_w = right - (kTextLeft + title_w + kPad);
  if (id_w > 12)
    painter->drawText(QRectF(right - id_w, 3, id_w, kRow), Qt::AlignRight | Qt::AlignVCenter,
                      fs.elidedText(subtitle_, Qt::ElideMiddle, id_w));

  // Row 2: key parameters; the parameter count (and a lock when frozen) on the right.
  const QFont body = style::body_font();
  const QFontMetricsF fb(body);
  double count_left = right;
  if (frozen_) {
    count_left -= 10;
    draw_lock(painter, QPointF(count_left, 3 + kRow + (kRow - 10.5) / 2), c.text_dim);
    count_left -= 4;
  }
  if (!count_.isEmpty()) {
    const double w = fs.horizontalAdvance(count_);
    painter->setFont(small);
    painter->setPen(c.text_dim);
    painter->drawText(QRectF(count_left - w, 3 + kRow, w, kRow), Qt::AlignRight | Qt::AlignVCenter,
                      count_);
    count_left -= w + kPad;
  }
  painter->setFont(body);
  painter->setPen(text);
  const QRectF row2(kTextLeft, 3 + kRow, count_left - kTextLeft, kRow);
  QString row2_text = params_;
  if (block_ && !macs_.isEmpty())
    row2_text = params_.isEmpty() ? macs_ : macs_ + QStringLiteral(" · ") + params_;
  painter->drawText(row2, Qt::AlignLeft | Qt::AlignVCenter,
                    fb.elidedText(row2_text, Qt::ElideRight, row2.width()));

  // Row 3: each output's shape, centred over its port.
  if (!show_shapes_ || outputs_.empty()) return;
  painter->setFont(small);
  const double slot = (kNodeWidth - style::kStripeWidth) / double(outputs_.size());
  for (size_t i = 0; i < outputs_.size(); ++i) {
    const QString& s = shapes_[int(i)];
    const double cx = outputs_[i]->pos().x();
    const QRectF r(cx - slot / 2, 3 + 2 * kRow - 1, slot, kRow - 2);
    painter->setPen(s == QLatin1String("?") ? c.text_dim : c.shape_text);
    painter->drawText(r, Qt::AlignHCenter | Qt::AlignTop,
                      fs.elidedText(s, Qt::ElideMiddle, slot - 4));
  }
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant& value) {
  if (change == ItemPositionHasChanged)
    if (auto* s = qobject_cast<GraphScene*>(scene())) s->node_moved(this);
  return QGraphicsItem::itemChange(change, value);
}

}  // namespace nw::gui
