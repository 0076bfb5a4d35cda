#pragma once
// One layer node as a rounded box: a category colour stripe, the type, the id (or label), key
// parameters, the parameter count, input ports on top and output ports at the bottom, each
// output labelled with its inferred shape. Frozen nodes (trainable false) are hatched with a
// lock; nodes with errors get a red outline and their messages as the tooltip. The item only
// shows the document's state: refresh() reads it again after a change. During and after a run,
// a sparkline in the bottom right corner draws the layer's gradient norm over the layer health
// samples (log scale), in the warning colour when the last one is out of range.
#include <QGraphicsItem>
#include <QStringList>
#include <QVector>

#include <vector>

#include "editor/editor_style.h"

namespace nw::gui {

class ProjectDocument;
class PortItem;

class NodeItem : public QGraphicsItem {
 public:
  enum { Type = UserType + 1 };

  NodeItem(ProjectDocument* doc, const QString& id);

  int type() const override { return Type; }
  QRectF boundingRect() const override;
  QPainterPath shape() const override;
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

  QString id() const { return id_; }
  void set_id(const QString& id);  // after a rename
  // Reads the node, its analysis and diagnostics from the document again.
  void refresh();
  void set_show_shapes(bool show);
  // The layer's gradient norms, oldest first; empty hides the sparkline.
  void set_sparkline(const QVector<double>& values, bool alarm = false);
  const QVector<double>& sparkline() const { return spark_; }

  PortItem* input_port(int i) const;  // nullptr when out of range
  PortItem* output_port(int i) const;
  const std::vector<PortItem*>& inputs() const { return inputs_; }
  const std::vector<PortItem*>& outputs() const { return outputs_; }

  // What the box shows, for tests and accessibility.
  QString shape_label(int output) const;  // "N×512", or "?" when unknown
  QString params_text() const { return params_; }
  QString count_text() const { return count_; }
  QString macs_text() const { return macs_; }  // a block use's "115.6M MACs"; empty for a layer
  bool is_block() const { return block_; }
  bool has_error() const { return error_; }
  bool is_frozen() const { return frozen_; }

 protected:
  QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;

 private:
  void paint_body(QPainter* painter, const style::Colors& c) const;
  void paint_texts(QPainter* painter, const style::Colors& c) const;
  void paint_sparkline(QPainter* painter, const style::Colors& c) const;

  ProjectDocument* doc_;
  QString id_, type_, title_, subtitle_, params_, count_, macs_;
  QStringList shapes_;
  QColor stripe_;
  bool block_ = false, frozen_ = false, error_ = false, warning_ = false, show_shapes_ = true;
  std::vector<PortItem*> inputs_, outputs_;
  QVector<double> spark_;
  bool spark_alarm_ = false;
};

}  // namespace nw::gui
