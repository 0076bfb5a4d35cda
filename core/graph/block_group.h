#pragma once
// Group Into Block and Ungroup as whole-graph edits, for the editor's Edit menu (each is one undo
// step there: the graph is replaced at once, listeners get one Reset).
//
//   std::string use = group_into_block(g, {"layer1.0.conv1", ..., "layer1.0.relu2"}, "Unit");
//   // use == "layer1.0": the common prefix; the layers inside are "conv1", ..., "relu2"
//   ungroup(g, use);  // "layer1.0.conv1", ... again
#include <string>
#include <vector>

#include "graph/block.h"

namespace nw::graph {

// Moves the nodes `ids` of `g` into a new block `name` and puts one use of it where the first of
// them was. Each outside output port that feeds the selection becomes an input port (an Input
// node "in", "in_1", ... of the body); each port of the selection that feeds a node outside
// becomes an output port ("out", "out_1", ...), or, when none does, each node of the selection
// that feeds nothing. When every id starts with one prefix "<p>." the use is "<p>" and the
// layers keep the rest ("layer1.0.conv1" -> "conv1" in use "layer1.0"), so that the expanded ids
// and the checkpoint keys stay the same. Positions inside are relative to the use's. Returns the
// use's id. Throws GraphError, changing nothing, when a node is missing or an Input, the name is
// bad or taken, or the selection has no output.
std::string group_into_block(Graph& g, const std::vector<std::string>& ids,
                             const std::string& name);

// Replaces the use `id` by the layers of its block, as ids "<use>.<layer>" with the block
// parameters' values filled in, at positions offset by the use's; the edges into and out of the
// use join the layers behind its ports. The definition stays (other uses may need it). Throws
// GraphError, changing nothing, when `id` is no use of a defined block, or a layer's value or id
// does not fit (a "$name" the block does not declare, an id taken outside).
void ungroup(Graph& g, const std::string& id);

}  // namespace nw::graph
