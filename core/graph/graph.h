#pragma once
// The network as data: layer nodes joined by edges from output ports to input ports. Every edit
// goes through this API, which checks what it can check locally (known type, unique id, known
// parameter, port in range) and tells its listeners; nothing else mutates a graph. Whole-graph
// problems (cycles, missing inputs, shapes) are the validator's (core/graph/analysis.h), so that
// a half-built graph can still be edited and saved.
//
//   Graph g;
//   g.add_node("Input", "input", {{"shape", {1, 28, 28}}});
//   g.add_node("Flatten", "flatten");
//   g.connect({"input", 0}, {"flatten", 0});
#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "graph/registry.h"

namespace nw::graph {

struct GraphError : Error {
  using Error::Error;
};

struct PortRef {
  std::string node;
  int port = 0;
  bool operator==(const PortRef&) const = default;
};

struct Edge {
  PortRef from;  // an output port
  PortRef to;    // an input port
  bool operator==(const Edge&) const = default;
};

struct Node {
  std::string id;    // stable; also the checkpoint prefix ("fc1" -> "fc1.weight")
  std::string type;  // a registry name
  ParamMap params;   // only the values the user set (pinned); defaults and inferred ones are not
  std::array<double, 2> pos{0, 0};
  bool trainable = true;
  std::string label;                                // shown instead of the id when set
  nlohmann::json extra = nlohmann::json::object();  // unknown project-file keys, written back
};

struct BlockDef;    // graph/block.h
struct BlockTable;  // graph/block.h

struct GraphChange {
  enum class Kind {
    NodeAdded,
    NodeRemoved,
    NodeRenamed,
    ParamChanged,
    NodeMoved,
    NodeChanged,  // label/trainable
    EdgeAdded,
    EdgeRemoved,
    Reset,  // also when a block definition is added, replaced or removed
  };
  Kind kind;
  std::string node;          // the node concerned (the new id for NodeRenamed)
  std::string old_id;        // NodeRenamed only
  std::string param;         // ParamChanged only
  std::optional<Edge> edge;  // EdgeAdded / EdgeRemoved
};

class Graph {
 public:
  using Listener = std::function<void(const GraphChange&)>;

  Graph();
  ~Graph();
  // Copies nodes, edges and block definitions, not listeners. A copy of a top-level graph owns
  // copies of the definitions; a copy of a block body still resolves blocks in its owner.
  Graph(const Graph& o);
  // Nodes and edges; the definitions too when both are top-level graphs.
  Graph& operator=(const Graph& o);

  // ---- edits; each throws GraphError (nothing changed) when it cannot be done
  // An empty id picks a free one from the type ("linear", "linear_2", ...). Ids are made of
  // letters, digits, '_' and '.', and do not start or end with '.'. Returns the id.
  std::string add_node(const std::string& type, std::string id = {}, ParamMap params = {},
                       std::array<double, 2> pos = {0, 0});
  void add_node(Node node);                 // as read from a file; same checks
  void remove_node(const std::string& id);  // and its edges
  void rename_node(const std::string& id, const std::string& new_id);  // edges follow
  // Checks the value against the spec (check_param) and pins it. A null value unpins the
  // parameter, as in add_node, except where null is a value of its own (OptionalFloat:
  // BatchNorm's momentum=None), which it pins.
  void set_param(const std::string& id, const std::string& name, ParamValue value);
  // Back to the default or the inferred value.
  void unset_param(const std::string& id, const std::string& name);
  void move_node(const std::string& id, std::array<double, 2> pos);
  void set_trainable(const std::string& id, bool trainable);
  void set_label(const std::string& id, std::string label);
  // Ports must exist on both nodes; the same edge twice is refused. A second edge into one
  // input port is allowed here and reported by the validator.
  void connect(const PortRef& from, const PortRef& to);
  void disconnect(const PortRef& from, const PortRef& to);
  void clear();

  // ---- reading
  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<Edge>& edges() const { return edges_; }
  const Node* find(const std::string& id) const;  // nullptr when absent
  const Node& node(const std::string& id) const;  // throws GraphError when absent
  std::vector<Edge> edges_into(const std::string& id) const;
  std::vector<Edge> edges_out_of(const std::string& id) const;
  std::string unique_id(const std::string& stem) const;  // "conv" -> "conv_3"
  // A node type: the registry's entry, or the interface of a block defined here
  // ("Block:BasicBlock"); nullptr when unknown.
  const LayerType* find_type(const std::string& type) const;

  // ---- block definitions (graph/block.h), kept by the top-level graph and shared with the
  // body of each definition, so that a body can use other blocks and refer to block parameters
  // ("$channels"). Checking a definition as a whole (recursion, ports, shapes) is analyze()'s.
  const std::vector<BlockDef>& blocks() const;
  const BlockDef* find_block(const std::string& name) const;  // nullptr when absent
  // Adds the definition, or replaces the one of that name (uses follow it). Its body becomes a
  // body of this graph. Throws GraphError on a bad name or port list, or on a body.
  void define_block(BlockDef def);
  void remove_block(const std::string& name);  // its uses are then reported by analyze()
  // The body of a definition, to edit (its listeners are its own).
  Graph& block_body(const std::string& name);
  // An empty body that resolves blocks here, to build a definition with.
  Graph new_body();
  bool is_body() const { return !own_blocks_; }

  // ---- change notifications, called synchronously after each edit
  int subscribe(Listener listener);
  void unsubscribe(int token);

 private:
  explicit Graph(BlockTable* owner) : blocks_(owner) {}
  Node* find_mutable(const std::string& id);
  void notify(const GraphChange& change);
  const LayerType& type_of(const std::string& type) const;  // throws when unknown
  std::string param_problem(const Node& node, const LayerType& t, const std::string& name,
                            const ParamValue& value) const;
  void check_port(const Node& n, int port, bool output) const;
  void rebuild_edge_keys();

  std::vector<Node> nodes_;
  // id -> position in nodes_: expanding blocks adds up to 10,000 nodes, each checked for a
  // clash, and a linear find made that quadratic (seconds under the sanitizers).
  std::unordered_map<std::string, size_t> index_;
  std::vector<Edge> edges_;
  std::unordered_set<std::string> edge_keys_;  // edge_key() of each edge, for the same reason
  std::vector<std::pair<int, Listener>> listeners_;
  int next_token_ = 1;
  std::shared_ptr<BlockTable> own_blocks_;  // null in a body
  BlockTable* blocks_ = nullptr;            // own_blocks_, or the owner's in a body
};

// Whether `id` is a valid node id; otherwise says why.
std::optional<std::string> check_node_id(const std::string& id);

}  // namespace nw::graph
