#pragma once
// A layered top-to-bottom layout of a graph, as a pure function (no scene, no document), so that
// it can be tested headless, used by the editor as one undoable step and by importers that make
// a graph from scratch.
//
// Layers are longest paths from the Input nodes (a node sits one row below its lowest
// predecessor). Edges that skip rows get a placeholder in each row they pass, so that no node is
// put in their way. Within a row, nodes are ordered by the barycenter of their predecessors to
// avoid crossings, and each node is placed under the predecessor feeding its first input: a chain
// is a straight column, and a residual block's skip edge runs in the lane beside its main path.
#include <array>
#include <map>
#include <string>

#include "graph/graph.h"

namespace nw::graph {

struct LayoutSpacing {
  double row = 80;      // between the tops of consecutive rows (a node is 56 tall)
  double column = 260;  // between the left sides of neighbours (a node is 200 wide)
};

// The top-left corner of every node's box; the first Input is at (0, 0).
std::map<std::string, std::array<double, 2>> layout_graph(const Graph& g,
                                                          LayoutSpacing spacing = {});

}  // namespace nw::graph
