#pragma once
// The layer palette's data: the registry's categories (in palette order), each with its types.
// Types drag out as kLayerMimeType carrying the type name, which the canvas accepts.
#include <QStandardItemModel>

namespace nw::gui {

inline constexpr char kLayerMimeType[] = "application/x-netwright-layer";

class PaletteModel : public QStandardItemModel {
  Q_OBJECT

 public:
  enum Role {
    TypeRole = Qt::UserRole + 1,  // the type name, on type rows only
    SearchRole,                   // name, category and description, for the filter
  };

  explicit PaletteModel(QObject* parent = nullptr);

  QModelIndex index_of(const QString& type) const;  // invalid when unknown

  QStringList mimeTypes() const override;
  // The first type among `indexes`, as kLayerMimeType; nullptr when there is none.
  QMimeData* mimeData(const QModelIndexList& indexes) const override;
  Qt::DropActions supportedDragActions() const override { return Qt::CopyAction; }
};

}  // namespace nw::gui
