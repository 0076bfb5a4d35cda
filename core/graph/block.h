#pragma once
// Blocks: a named subgraph with declared input and output ports and optional block parameters,
// defined once per project and used as nodes of type "Block:<name>". The definitions live in the
// top-level Graph (Graph::define_block); each body is a Graph that shares them, so that blocks
// nest. Inside a body, a parameter value "$channels" refers to the block parameter `channels`
// and takes the value the use gives it.
//
//   BlockDef def;                       // a residual unit
//   def.name = "BasicBlock";
//   def.params = {{.name = "channels", .kind = ParamKind::Int, .default_value = 64, .min = 1}};
//   def.inputs = {"x"};                 // an Input node of the body per input port
//   def.outputs = {{"out", {"relu2", 0}}};
//   g.define_block(std::move(def));
//   g.block_body("BasicBlock").add_node("Input", "x");  ...
//   g.add_node("Block:BasicBlock", "layer1.0", {{"channels", 64}});
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "graph/graph.h"

namespace nw::graph {

inline constexpr const char* kBlockPrefix = "Block:";
// Blocks nest at most this deep (a use inside a body inside a body ...): deeper is a mistake.
inline constexpr int kMaxBlockDepth = 16;
// A graph expands to at most this many layers and uses together: nested uses multiply (10 uses
// of a block of 10 uses of a block ...), and the editor must stay responsive.
inline constexpr size_t kMaxExpandedNodes = 10000;

struct BlockOutput {
  std::string name;  // the port's name, shown on the use ("out")
  PortRef from;      // the body's output port that feeds it
};

struct BlockDef {
  std::string name;  // letters, digits and '_': "BasicBlock"
  std::string description;
  // Block parameters: name, kind (int, float, bool, int or pair, list of int, padding), default
  // (null: every use must set it), range. The use's node params hold their values.
  std::vector<ParamSpec> params;
  std::vector<std::string> inputs;   // the body's Input nodes, one per input port, in port order
  std::vector<BlockOutput> outputs;  // one per output port, in port order
  Graph body;                        // set by Graph::define_block to share the definitions
};

// The definitions of one top-level graph, shared by the bodies in it.
struct BlockTable {
  std::vector<BlockDef> defs;
  std::vector<LayerType> types;  // the interface of defs[i]: "Block:<name>", params and ports
};

// "Block:BasicBlock" -> "BasicBlock"; empty when `type` is not a block type.
std::string block_name(const std::string& type);
bool is_block_type(const std::string& type);
// Whether a block name is usable ("BasicBlock"); otherwise says why.
std::optional<std::string> check_block_name(const std::string& name);
// A use's interface as a node type: the block parameters and ports, category "Block". It has
// no factory and no shape rule of its own: analysis and compilation expand the use.
LayerType block_interface(const BlockDef& def);

// "$channels": a reference to a block parameter; "" when `value` is not one.
std::string param_ref(const ParamValue& value);
// Whether `value` is, or holds in a list, a reference ("$k" or ["$k", 1]).
bool has_param_ref(const ParamValue& value);
// The parameter kinds a block parameter may have, by the names a project file writes them:
// "int", "float", "bool", "int_pair", "int_list", "padding".
const std::vector<std::pair<std::string, ParamKind>>& block_param_kinds();
std::optional<ParamKind> block_param_kind(const std::string& name);
std::string block_param_kind_name(ParamKind kind);

}  // namespace nw::graph
