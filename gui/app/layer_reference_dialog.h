#pragma once
// Help > Layer reference: every node type of graph::Registry, by category, with its description,
// ports and parameters (name, kind, default, range), read from the registry entry itself so the
// reference never drifts from the code.
#include <QDialog>

class QTreeWidget;
class QTextBrowser;

namespace nw::gui {

class LayerReferenceDialog : public QDialog {
  Q_OBJECT

 public:
  explicit LayerReferenceDialog(QWidget* parent = nullptr);
  // Selects `type` ("Conv2d"); false when there is no such type.
  bool show_type(const QString& type);
  int type_count() const;

 private:
  void show_details(const QString& type);

  QTreeWidget* tree_;
  QTextBrowser* details_;
};

// The HTML the dialog shows for one registry entry (empty for an unknown type).
QString layer_reference_html(const QString& type);

}  // namespace nw::gui
