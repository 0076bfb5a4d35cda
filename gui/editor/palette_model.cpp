#include "editor/palette_model.h"

#include <QMimeData>
#include <QPainter>
#include <QPixmap>

#include "editor/editor_style.h"
#include "graph/registry.h"

namespace nw::gui {

namespace {

// A small rounded swatch in the category's colour, as the node's stripe.
QIcon swatch(const QColor& color) {
  QPixmap pm(32, 32);
  pm.fill(Qt::transparent);
  QPainter p(&pm);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(Qt::NoPen);
  p.setBrush(color);
  p.drawRoundedRect(QRectF(6, 6, 20, 20), 5, 5);
  return QIcon(pm);
}

QString tooltip(const graph::LayerType& t) {
  QString text = QStringLiteral("<b>%1</b> (%2)<br>%3")
                     .arg(QString::fromStdString(t.name), QString::fromStdString(t.category),
                          QString::fromStdString(t.description).toHtmlEscaped());
  if (!t.params.empty()) {
    QStringList names;
    for (const auto& p : t.params) names << QString::fromStdString(p.name);
    text += QStringLiteral("<br><i>%1</i>").arg(names.join(QStringLiteral(", ")));
  }
  return text;
}

}  // namespace

PaletteModel::PaletteModel(QObject* parent) : QStandardItemModel(parent) {
  const auto& registry = graph::Registry::instance();
  for (const std::string& category : graph::categories()) {
    auto* cat = new QStandardItem(QString::fromStdString(category));
    cat->setFlags(Qt::ItemIsEnabled);
    cat->setIcon(swatch(style::category_color(category)));
    QFont bold = cat->font();
    bold.setBold(true);
    cat->setFont(bold);
    cat->setData(QString::fromStdString(category), SearchRole);
    for (const graph::LayerType& t : registry.types()) {
      if (t.category != category) continue;
      const QString name = QString::fromStdString(t.name);
      auto* item = new QStandardItem(name);
      item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
      item->setData(name, TypeRole);
      item->setData(name + QLatin1Char(' ') + QString::fromStdString(category) + QLatin1Char(' ') +
                        QString::fromStdString(t.description),
                    SearchRole);
      item->setToolTip(tooltip(t));
      cat->appendRow(item);
    }
    if (cat->rowCount() > 0)
      appendRow(cat);
    else
      delete cat;
  }
}

QModelIndex PaletteModel::index_of(const QString& type) const {
  for (int r = 0; r < rowCount(); ++r) {
    const QModelIndex cat = index(r, 0);
    for (int c = 0; c < rowCount(cat); ++c) {
      const QModelIndex i = index(c, 0, cat);
      if (i.data(TypeRole).toString() == type) return i;
    }
  }
  return {};
}

QStringList PaletteModel::mimeTypes() const {
  return {QString::fromLatin1(kLayerMimeType)};
}

QMimeData* PaletteModel::mimeData(const QModelIndexList& indexes) const {
  for (const QModelIndex& i : indexes) {
    const QString type = i.data(TypeRole).toString();
    if (type.isEmpty()) continue;
    auto* data = new QMimeData;
    data->setData(kLayerMimeType, type.toUtf8());
    data->setText(type);
    return data;
  }
  return nullptr;
}

}  // namespace nw::gui
