#include "document/library_blocks.h"

#include <QMetaObject>

#include <cmath>
#include <memory>

#include "document/commands.h"
#include "document/project_document.h"
#include "graph/block.h"
#include "io/block_import.h"

namespace nw::gui {

QString add_block_use(ProjectDocument& doc, const graph::Graph& from, const QString& name,
                      QPointF pos, QString* why) {
  const std::string block = name.toStdString();
  const std::array<double, 2> at{std::round(pos.x()), std::round(pos.y())};
  // The edit runs on a trial copy and then on the live graph; both pick the same id.
  auto id = std::make_shared<std::string>();
  GraphCommand::Edit edit = [from, block, at, id](graph::Graph& g) {
    const std::string defined = io::import_block(g, from, block);
    *id = g.add_node(graph::kBlockPrefix + defined, {}, {}, at);
  };
  // Tried on a copy first, as the document's own edits are: a refused edit pushes nothing.
  try {
    graph::Graph trial = doc.graph();
    edit(trial);
  } catch (const std::exception& e) {
    if (why) *why = QString::fromUtf8(e.what());
    return {};
  }
  QString failure;
  const auto watch = QObject::connect(&doc, &ProjectDocument::editFailed,
                                      [&failure](const QString& m) { failure = m; });
  doc.undo_stack()->push(new GraphCommand(&doc, QObject::tr("Add %1").arg(name), edit));
  QObject::disconnect(watch);
  if (!failure.isEmpty()) {  // a view threw; the command rolled the graph back
    if (why) *why = failure;
    return {};
  }
  return QString::fromStdString(*id);
}

}  // namespace nw::gui
