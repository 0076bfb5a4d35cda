// ProjectDocument's block edits: Group Into Block and Ungroup. The core does the work on a copy
// (graph/block_group.h); the document pushes the result as one GraphCommand, whose snapshots
// hold the block definitions too, so that undo gives back the exact previous graph.
#include <QObject>

#include <string>
#include <vector>

#include "document/project_document.h"
#include "graph/block.h"
#include "graph/block_group.h"

namespace nw::gui {

namespace {

std::vector<std::string> std_ids(const QStringList& ids) {
  std::vector<std::string> out;
  out.reserve(size_t(ids.size()));
  for (const QString& id : ids) out.push_back(id.toStdString());
  return out;
}

}  // namespace

QString ProjectDocument::free_block_name() const {
  for (int i = 1;; ++i) {
    const std::string name = "Block" + std::to_string(i);
    if (!graph().find_block(name)) return QString::fromStdString(name);
  }
}

bool ProjectDocument::can_group(const QStringList& ids, QString* why) const {
  try {
    graph::Graph trial = graph();
    graph::group_into_block(trial, std_ids(ids), free_block_name().toStdString());
  } catch (const std::exception& e) {
    if (why) *why = QString::fromUtf8(e.what());
    return false;
  }
  return true;
}

QString ProjectDocument::group_into_block(const QStringList& ids, const QString& name,
                                          QString* why) {
  const std::vector<std::string> nodes = std_ids(ids);
  const std::string block = name.toStdString();
  std::string use;
  try {  // the use's id, which the core picks (the selection's common prefix, or a fresh one)
    graph::Graph trial = graph();
    use = graph::group_into_block(trial, nodes, block);
  } catch (const std::exception& e) {
    if (why) *why = QString::fromUtf8(e.what());
    return {};
  }
  const QString text = tr("Group %n node(s) into %1", nullptr, int(nodes.size())).arg(name);
  const bool ok = push_edit(
      text, [nodes, block](graph::Graph& g) { graph::group_into_block(g, nodes, block); }, why);
  return ok ? QString::fromStdString(use) : QString();
}

bool ProjectDocument::ungroup(const QString& id, QString* why) {
  const std::string use = id.toStdString();
  return push_edit(
      tr("Ungroup %1").arg(id), [use](graph::Graph& g) { graph::ungroup(g, use); }, why);
}

}  // namespace nw::gui
