// ProjectDocument: adding a use of a block from the library or a block file, with the
// definitions it needs, as one undo step.
#include <cmath>
#include <memory>

#include "document/project_document.h"
#include "graph/block.h"
#include "io/block_import.h"

namespace nw::gui {

QString ProjectDocument::add_block_use(const graph::Graph& from, const QString& name, QPointF pos,
                                       QString* why) {
  const std::string block = name.toStdString();
  const std::array<double, 2> at{std::round(pos.x()), std::round(pos.y())};
  // The edit runs on a trial copy and then on the live graph; both pick the same id.
  auto id = std::make_shared<std::string>();
  const bool ok = push_edit(
      tr("Add %1").arg(name),
      [from, block, at, id](graph::Graph& g) {
        const std::string defined = io::import_block(g, from, block);
        *id = g.add_node(graph::kBlockPrefix + defined, {}, {}, at);
      },
      why);
  return ok ? QString::fromStdString(*id) : QString();
}

}  // namespace nw::gui
