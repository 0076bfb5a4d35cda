#pragma once
// The layer palette's data: the registry's categories (in palette order), each with its types.
// Types drag out as kLayerMimeType carrying the type name, which the canvas accepts. The last
// category, "Blocks", lists the project's blocks (as their "Block:<name>" types) and the block
// library's, which drag out as kBlockFileMimeType carrying the block file's text: a drop adds
// the definitions the project lacks (io::import_block) with the use.
#include <QStandardItemModel>

namespace nw::graph {
class Graph;
}
namespace nw::io {
class BlockLibrary;
}

namespace nw::gui {

inline constexpr char kLayerMimeType[] = "application/x-netwright-layer";
inline constexpr char kBlockFileMimeType[] = "application/x-netwright-block";
inline constexpr char kBlocksCategory[] = "Blocks";

class PaletteModel : public QStandardItemModel {
  Q_OBJECT

 public:
  enum Role {
    TypeRole = Qt::UserRole + 1,  // the type name, on type rows only
    SearchRole,                   // name, category and description, for the filter
    BlockFileRole,                // a library block's file text (io::block_file_text)
  };

  explicit PaletteModel(QObject* parent = nullptr);

  QModelIndex index_of(const QString& type) const;  // invalid when unknown
  // Rebuilds the "Blocks" category: the blocks defined in `project`, then `library`'s.
  void set_blocks(const graph::Graph& project, const io::BlockLibrary& library);
  // The library row of block `name` in the "Blocks" category; invalid when there is none.
  QModelIndex library_index(const QString& name) const;

  QStringList mimeTypes() const override;
  // The first type among `indexes`, as kLayerMimeType, or library block, as kBlockFileMimeType;
  // nullptr when there is none.
  QMimeData* mimeData(const QModelIndexList& indexes) const override;
  Qt::DropActions supportedDragActions() const override { return Qt::CopyAction; }
};

}  // namespace nw::gui
