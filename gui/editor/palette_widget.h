#pragma once
// The layer palette: a search field over a tree of categories and their types. Types drag onto
// the canvas; a double-click asks for the type to be added after the selected node.
#include <QWidget>

class QLineEdit;
class QModelIndex;
class QSortFilterProxyModel;
class QTreeView;

namespace nw::gui {

class PaletteModel;

class PaletteWidget : public QWidget {
  Q_OBJECT

 public:
  explicit PaletteWidget(QWidget* parent = nullptr);

  PaletteModel* model() const { return model_; }  // the source model (mimeData, index_of)
  QLineEdit* search_field() const { return search_; }
  QTreeView* tree() const { return tree_; }
  // The types left visible by the search, in palette order.
  QStringList visible_types() const;

 signals:
  void addRequested(const QString& type);

 private:
  void on_search(const QString& text);
  void on_activated(const QModelIndex& proxy_index);

  PaletteModel* model_;
  QSortFilterProxyModel* proxy_;
  QLineEdit* search_;
  QTreeView* tree_;
};

}  // namespace nw::gui
