#pragma once
// The layer palette: a search field over a tree of categories and their types. Types drag onto
// the canvas; a double-click asks for the type to be added after the selected node (or, for a
// library block, for the block to be added to the project).
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
  // The types left visible by the search, in palette order (library blocks have none).
  QStringList visible_types() const;

 signals:
  void addRequested(const QString& type);
  // A library block was double-clicked: its block file's text (io::block_file_text).
  void blockRequested(const QString& block_file);

 private:
  void on_search(const QString& text);
  void on_activated(const QModelIndex& proxy_index);

  PaletteModel* model_;
  QSortFilterProxyModel* proxy_;
  QLineEdit* search_;
  QTreeView* tree_;
};

}  // namespace nw::gui
