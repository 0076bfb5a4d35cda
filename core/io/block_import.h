#pragma once
// Bringing a block from a library (or another project) into a project: its definition and the
// definitions it uses are copied into the project's graph, so that the project file stays whole
// without the library.
#include <string>

#include "graph/graph.h"

namespace nw::io {

// Copies block `name` of `from` and the blocks it uses (nested uses first) into `into`, a
// top-level graph, and returns the name the block has there. A definition equal to the one of
// the same name in `into` is reused (the positions of inner nodes aside: they do not change
// what it computes); a different one gets a free name ("BasicBlock_2", or one equal to the copy
// under that name) and the uses inside the copied definitions follow the rename. Throws
// GraphError (with `into` unchanged) when `name` or a block it uses is not defined in `from`.
std::string import_block(graph::Graph& into, const graph::Graph& from, const std::string& name);

}  // namespace nw::io
