#pragma once
// Expanding block uses into the layers they stand for: each node inside a use becomes a node of a
// flat graph with the dotted id "<use>.<inner id>" ("layer1.0.conv1"), its parameters resolved
// against the use's block parameters ("$channels" -> 128), edges joined through the ports. The
// flat graph is what analysis and compilation run on, so that shapes, parameter counts and
// checkpoint keys ("layer1.0.conv1.weight") are those of the same network built flat.
#include <map>
#include <string>
#include <vector>

#include "graph/analysis.h"
#include "graph/block.h"

namespace nw::graph {

struct Expansion {
  Graph flat;  // no Block: nodes; top-level Input and layer nodes keep their ids
  struct Origin {
    std::string use;   // the top-level use it comes from: "layer2.0"
    std::string path;  // its place, uses joined by '/': "layer2.0/conv1", "layer1/0/conv1"
  };
  std::map<std::string, Origin> origin;  // flat id -> origin, for each node from inside a use
  // Per top-level use: the flat input ports each of its input ports feeds, the flat output port
  // behind each of its output ports (node empty when unresolved), its complete block parameters.
  std::map<std::string, std::vector<std::vector<PortRef>>> use_inputs;
  std::map<std::string, std::vector<PortRef>> use_outputs;
  std::map<std::string, ParamMap> use_params;
  // The flat id prefix of every use, nested ones too ("layer1.0", "layer1.0.sub") -> its block
  // name: the module that holds the use's layers is of that type.
  std::map<std::string, std::string> groups;
  // What keeps a use (or a node beside it) from expanding: unknown block, recursion, nesting
  // too deep, a bad parameter value or reference, ports that lead nowhere. On top-level nodes;
  // the message starts with the path inside the use ("layer2.0/conv1: ...").
  std::vector<Diagnostic> errors;
};

// Whether any node of `g` is a block use.
bool has_block_uses(const Graph& g);
Expansion expand_blocks(const Graph& g);

}  // namespace nw::graph
