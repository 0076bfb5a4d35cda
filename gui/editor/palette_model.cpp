#include "editor/palette_model.h"

#include <QMimeData>
#include <QPainter>
#include <QPixmap>

#include "editor/editor_style.h"
#include "graph/block.h"
#include "graph/registry.h"
#include "io/block_library.h"

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

void PaletteModel::set_blocks(const graph::Graph& project, const io::BlockLibrary& library) {
  const QString category = QString::fromLatin1(kBlocksCategory);
  const QList<QStandardItem*> old = findItems(category);
  QStandardItem* cat = old.isEmpty() ? nullptr : old.front();
  if (cat) {
    cat->removeRows(0, cat->rowCount());
  } else {
    cat = new QStandardItem(category);
    cat->setFlags(Qt::ItemIsEnabled);
    cat->setIcon(swatch(style::category_color(kBlocksCategory)));
    QFont bold = cat->font();
    bold.setBold(true);
    cat->setFont(bold);
    cat->setData(category, SearchRole);
    appendRow(cat);
  }
  auto add = [&](const QString& text, const graph::BlockDef& def, const QString& origin) {
    auto* item = new QStandardItem(text);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
    const QString name = QString::fromStdString(def.name);
    item->setData(name + QLatin1Char(' ') + category + QLatin1Char(' ') + origin +
                      QLatin1Char(' ') + QString::fromStdString(def.description),
                  SearchRole);
    item->setToolTip(
        QStringLiteral("<b>%1</b> (%2)<br>%3")
            .arg(name, origin, QString::fromStdString(def.description).toHtmlEscaped()));
    cat->appendRow(item);
    return item;
  };
  for (const graph::BlockDef& def : project.blocks())
    add(QString::fromStdString(def.name), def, tr("this project"))
        ->setData(QString::fromStdString(graph::kBlockPrefix + def.name), TypeRole);
  for (const io::LibraryBlock& b : library.blocks()) {
    const QString origin = b.builtin ? tr("built-in") : tr("library");
    add(tr("%1 (%2)").arg(QString::fromStdString(b.block.name), origin), b.block.definition(),
        origin)
        ->setData(QString::fromStdString(io::block_file_text(b.block.graph, b.block.name)),
                  BlockFileRole);
  }
}

QModelIndex PaletteModel::library_index(const QString& name) const {
  const QList<QStandardItem*> cats = findItems(QString::fromLatin1(kBlocksCategory));
  if (cats.isEmpty()) return {};
  for (int r = 0; r < cats.front()->rowCount(); ++r) {
    const QStandardItem* item = cats.front()->child(r);
    const QString file = item->data(BlockFileRole).toString();
    if (!file.isEmpty() && item->text().startsWith(name + QLatin1String(" (")))
      return item->index();
  }
  return {};
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
  return {QString::fromLatin1(kLayerMimeType), QString::fromLatin1(kBlockFileMimeType)};
}

QMimeData* PaletteModel::mimeData(const QModelIndexList& indexes) const {
  for (const QModelIndex& i : indexes) {
    if (const QString file = i.data(BlockFileRole).toString(); !file.isEmpty()) {
      auto* data = new QMimeData;
      data->setData(kBlockFileMimeType, file.toUtf8());
      return data;
    }
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
