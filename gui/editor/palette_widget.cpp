#include "editor/palette_widget.h"

#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

#include "editor/palette_model.h"

namespace nw::gui {

PaletteWidget::PaletteWidget(QWidget* parent)
    : QWidget(parent),
      model_(new PaletteModel(this)),
      proxy_(new QSortFilterProxyModel(this)),
      search_(new QLineEdit(this)),
      tree_(new QTreeView(this)) {
  proxy_->setSourceModel(model_);
  proxy_->setFilterRole(PaletteModel::SearchRole);
  proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  proxy_->setRecursiveFilteringEnabled(true);  // a matching type keeps its category

  search_->setPlaceholderText(tr("Search layers"));
  search_->setClearButtonEnabled(true);

  tree_->setModel(proxy_);
  tree_->setHeaderHidden(true);
  tree_->setDragEnabled(true);
  tree_->setDragDropMode(QAbstractItemView::DragOnly);
  tree_->setSelectionMode(QAbstractItemView::SingleSelection);
  tree_->setUniformRowHeights(true);
  tree_->setAnimated(true);
  tree_->setExpandsOnDoubleClick(true);
  tree_->expandAll();

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(4);
  layout->addWidget(search_);
  layout->addWidget(tree_);

  connect(search_, &QLineEdit::textChanged, this, &PaletteWidget::on_search);
  connect(tree_, &QTreeView::doubleClicked, this, &PaletteWidget::on_activated);
  // Enter in the search field adds the first match: type "conv", press Enter.
  connect(search_, &QLineEdit::returnPressed, this, [this] {
    const QStringList types = visible_types();
    if (!types.isEmpty()) emit addRequested(types.front());
  });
}

QStringList PaletteWidget::visible_types() const {
  QStringList out;
  for (int r = 0; r < proxy_->rowCount(); ++r) {
    const QModelIndex cat = proxy_->index(r, 0);
    for (int c = 0; c < proxy_->rowCount(cat); ++c)
      if (QString type = proxy_->index(c, 0, cat).data(PaletteModel::TypeRole).toString();
          !type.isEmpty())
        out << type;
  }
  return out;
}

void PaletteWidget::on_search(const QString& text) {
  proxy_->setFilterFixedString(text.trimmed());
  tree_->expandAll();
}

void PaletteWidget::on_activated(const QModelIndex& proxy_index) {
  const QString type = proxy_index.data(PaletteModel::TypeRole).toString();
  const QString file = proxy_index.data(PaletteModel::BlockFileRole).toString();
  if (!type.isEmpty())
    emit addRequested(type);
  else if (!file.isEmpty())
    emit blockRequested(file);
}

}  // namespace nw::gui
