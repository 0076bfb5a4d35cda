#pragma once
// Adding a use of a block from the library or a block file to the open project, with the
// definitions it needs, as one undo step of the document.
#include <QPointF>
#include <QString>

#include "graph/graph.h"

namespace nw::gui {

class ProjectDocument;

// Adds a use of block `name` of `from` (a graph holding its definition and those it uses) at
// `pos`, copying the definitions the project lacks (io::import_block: an equal one is reused, a
// different one of the same name gets a free name), as one undo step. Returns the use's id, or
// an empty string (and `why`) when refused.
QString add_block_use(ProjectDocument& doc, const graph::Graph& from, const QString& name,
                      QPointF pos, QString* why = nullptr);

}  // namespace nw::gui
