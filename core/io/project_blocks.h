#pragma once
// Internal to core/io: the "blocks" list of a project's graph, read into the graph's block
// definitions and written back. One definition:
//   {"name": "BasicBlock", "description"?, "params"?: [{"name": "channels", "type": "int",
//    "default": 64, "min": 1}], "inputs": ["x"], "outputs": [{"name": "out", "from": "relu2"}],
//    "nodes": [...], "edges": [...]}
// See docs/project-format.md, "Blocks".
#include <string>
#include <vector>

#include "graph/block.h"
#include "graph/graph.h"
#include "io/json_fields.h"

namespace nw::io::detail {

// Defines every block that can be defined (all interfaces first, then the bodies, so that a
// block may use one defined after it); records a problem for each part that cannot be read.
void parse_blocks(const json& j, const std::string& where, graph::Graph& g,
                  std::vector<Problem>& problems);
ordered_json blocks_to_json(const graph::Graph& g);
ordered_json block_to_json(const graph::BlockDef& def);  // one entry of the list

}  // namespace nw::io::detail
