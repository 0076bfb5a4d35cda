#include "graph/graph.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "graph/block.h"

namespace nw::graph {

std::optional<std::string> check_node_id(const std::string& id) {
  if (id.empty()) return "an id cannot be empty";
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.')
      return "id '" + id + "' contains '" + std::string(1, c) +
             "'; use letters, digits, '_' and '.'";
  // Dots nest modules ("layer1.0.conv1"), so every dot-separated part must be a module name.
  if (id.front() == '.' || id.back() == '.')
    return "id '" + id + "' starts or ends with '.'; remove the dot";
  if (id.find("..") != std::string::npos)
    return "id '" + id + "' has an empty part between dots; remove one '.'";
  return std::nullopt;
}

namespace {

std::string join_quoted(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
  return out;
}

std::string param_names(const LayerType& t) {
  if (t.params.empty()) return "it takes no parameters";
  std::string out;
  for (const ParamSpec& p : t.params) out += (out.empty() ? "" : ", ") + p.name;
  return "valid: " + out;
}

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

const std::vector<BlockDef> kNoBlocks;

}  // namespace

const LayerType* Graph::find_type(const std::string& type) const {
  if (const LayerType* t = Registry::instance().find(type)) return t;
  if (!blocks_ || !is_block_type(type)) return nullptr;
  const std::string name = block_name(type);
  for (size_t i = 0; i < blocks_->defs.size(); ++i)
    if (blocks_->defs[i].name == name) return &blocks_->types[i];
  return nullptr;
}

const LayerType& Graph::type_of(const std::string& type) const {
  if (const LayerType* t = find_type(type)) return *t;
  if (is_block_type(type)) {
    std::vector<std::string> names;
    for (const BlockDef& d : blocks()) names.push_back(d.name);
    throw GraphError("unknown block '" + block_name(type) + "'; " +
                     (names.empty() ? std::string("the project defines no blocks")
                                    : "defined blocks: " + join_quoted(names)));
  }
  const auto close = Registry::instance().suggest(type);
  throw GraphError("unknown layer type '" + type + "'; " +
                   (close.empty() ? "run `netwright-cli layers` to list the types"
                                  : "did you mean " + join_quoted(close) + "?"));
}

// Checks one parameter of `node` (of type `t`); an empty string when valid. Inside a block body
// a value may refer to a block parameter ("$channels"): analyze() checks it once it is known.
std::string Graph::param_problem(const Node& node, const LayerType& t, const std::string& name,
                                 const ParamValue& value) const {
  const std::string where = "node '" + node.id + "' (" + t.name + "): ";
  const ParamSpec* spec = t.param(name);
  if (!spec) return where + "unknown parameter '" + name + "'; " + param_names(t);
  if (is_body() && has_param_ref(value)) return {};
  const std::string bad = check_param(*spec, value);
  return bad.empty() ? bad : where + name + ": " + bad;
}

namespace {

std::string edge_key(const Edge& e) {
  // '\n' cannot be in a node id (check_node_id), so the parts cannot run together.
  return e.from.node + '\n' + std::to_string(e.from.port) + '\n' + e.to.node + '\n' +
         std::to_string(e.to.port);
}

}  // namespace

void Graph::rebuild_edge_keys() {
  edge_keys_.clear();
  for (const Edge& e : edges_) edge_keys_.insert(edge_key(e));
}

// ---- construction: the block table

Graph::Graph() : own_blocks_(std::make_shared<BlockTable>()), blocks_(own_blocks_.get()) {}

Graph::~Graph() = default;

Graph::Graph(const Graph& o)
    : nodes_(o.nodes_),
      index_(o.index_),
      edges_(o.edges_),
      edge_keys_(o.edge_keys_),
      blocks_(o.blocks_) {
  if (!o.own_blocks_) return;  // a body: it keeps resolving in its owner
  own_blocks_ = std::make_shared<BlockTable>(*o.own_blocks_);
  blocks_ = own_blocks_.get();
  for (BlockDef& d : own_blocks_->defs) d.body.blocks_ = blocks_;
}

Graph& Graph::operator=(const Graph& o) {
  if (this == &o) return *this;
  nodes_ = o.nodes_;
  index_ = o.index_;
  edges_ = o.edges_;
  edge_keys_ = o.edge_keys_;
  if (own_blocks_ && o.own_blocks_) {
    *own_blocks_ = *o.own_blocks_;
    for (BlockDef& d : own_blocks_->defs) d.body.blocks_ = blocks_;
  }
  notify({GraphChange::Kind::Reset});
  return *this;
}

// ---- block definitions

const std::vector<BlockDef>& Graph::blocks() const {
  return blocks_ ? blocks_->defs : kNoBlocks;
}

const BlockDef* Graph::find_block(const std::string& name) const {
  for (const BlockDef& d : blocks())
    if (d.name == name) return &d;
  return nullptr;
}

void Graph::define_block(BlockDef def) {
  if (is_body())
    throw GraphError("block '" + def.name +
                     "' is defined inside a block body; define blocks on the top-level graph");
  if (auto bad = check_block_name(def.name)) throw GraphError(*bad);
  if (def.outputs.empty())
    throw GraphError("block '" + def.name + "' has no output port; declare at least one");
  std::vector<std::string> seen;
  for (const ParamSpec& p : def.params) {
    if (std::find(seen.begin(), seen.end(), p.name) != seen.end())
      throw GraphError("block '" + def.name + "' declares parameter '" + p.name +
                       "' twice; remove one");
    seen.push_back(p.name);
    if (!p.default_value.is_null())
      if (const std::string bad = check_param(p, p.default_value); !bad.empty())
        throw GraphError("block '" + def.name + "', parameter '" + p.name +
                         "': the default is invalid: " + bad);
  }
  def.body.own_blocks_.reset();
  def.body.blocks_ = blocks_;
  LayerType type = block_interface(def);
  auto& defs = blocks_->defs;
  auto it =
      std::find_if(defs.begin(), defs.end(), [&](const BlockDef& d) { return d.name == def.name; });
  if (it == defs.end()) {
    defs.push_back(std::move(def));
    blocks_->types.push_back(std::move(type));
  } else {
    blocks_->types[static_cast<size_t>(it - defs.begin())] = std::move(type);
    *it = std::move(def);
  }
  notify({GraphChange::Kind::Reset});
}

void Graph::remove_block(const std::string& name) {
  if (!find_block(name))
    throw GraphError("there is no block '" + name + "' to remove; check the name");
  auto& defs = blocks_->defs;
  const auto i = static_cast<size_t>(
      std::find_if(defs.begin(), defs.end(), [&](const BlockDef& d) { return d.name == name; }) -
      defs.begin());
  defs.erase(defs.begin() + static_cast<std::ptrdiff_t>(i));
  blocks_->types.erase(blocks_->types.begin() + static_cast<std::ptrdiff_t>(i));
  notify({GraphChange::Kind::Reset});
}

Graph& Graph::block_body(const std::string& name) {
  if (!find_block(name)) throw GraphError("there is no block '" + name + "'; check the name");
  for (BlockDef& d : blocks_->defs)
    if (d.name == name) return d.body;
  throw GraphError("there is no block '" + name + "'");  // not reached
}

Graph Graph::new_body() {
  return Graph(blocks_);
}

// ---- edits

std::string Graph::add_node(const std::string& type, std::string id, ParamMap params,
                            std::array<double, 2> pos) {
  if (id.empty()) {
    const std::string name = type_of(type).name;
    id = unique_id(lowercase(is_block_type(name) ? block_name(name) : name));
  }
  Node node;
  node.id = std::move(id);
  node.type = type;
  node.params = std::move(params);
  node.pos = pos;
  const std::string out = node.id;
  add_node(std::move(node));
  return out;
}

void Graph::add_node(Node node) {
  const LayerType& t = type_of(node.type);
  if (auto bad = check_node_id(node.id)) throw GraphError("cannot add a " + t.name + ": " + *bad);
  if (find(node.id))
    throw GraphError("a node with id '" + node.id + "' already exists; pick another id, e.g. '" +
                     unique_id(node.id) + "'");
  // NOTE: null means "not set" (a project file may write it), except for parameters whose
  // null is a real value (BatchNorm's momentum=None).
  for (auto it = node.params.begin(); it != node.params.end();) {
    const ParamSpec* spec = t.param(it->first);
    if (spec && it->second.is_null() && spec->kind != ParamKind::OptionalFloat) {
      it = node.params.erase(it);
      continue;
    }
    if (auto bad = param_problem(node, t, it->first, it->second); !bad.empty())
      throw GraphError(bad);
    ++it;
  }
  const std::string id = node.id;
  index_[id] = nodes_.size();
  nodes_.push_back(std::move(node));
  notify({GraphChange::Kind::NodeAdded, id});
}

void Graph::remove_node(const std::string& id) {
  node(id);  // throws when absent
  std::vector<Edge> removed;
  std::erase_if(edges_, [&](const Edge& e) {
    if (e.from.node != id && e.to.node != id) return false;
    removed.push_back(e);
    return true;
  });
  std::erase_if(nodes_, [&](const Node& n) { return n.id == id; });
  for (const Edge& e : removed) edge_keys_.erase(edge_key(e));
  index_.clear();
  for (size_t i = 0; i < nodes_.size(); ++i) index_[nodes_[i].id] = i;
  for (const Edge& e : removed) notify({GraphChange::Kind::EdgeRemoved, id, {}, {}, e});
  notify({GraphChange::Kind::NodeRemoved, id});
}

void Graph::rename_node(const std::string& id, const std::string& new_id) {
  Node* n = find_mutable(id);
  if (!n) node(id);  // throws the standard message
  if (new_id == id) return;
  if (auto bad = check_node_id(new_id)) throw GraphError("cannot rename '" + id + "': " + *bad);
  if (find(new_id))
    throw GraphError("cannot rename '" + id + "' to '" + new_id +
                     "': that id is taken; pick another, e.g. '" + unique_id(new_id) + "'");
  n->id = new_id;
  index_[new_id] = index_.at(id);
  index_.erase(id);
  for (Edge& e : edges_) {
    if (e.from.node == id) e.from.node = new_id;
    if (e.to.node == id) e.to.node = new_id;
  }
  rebuild_edge_keys();
  notify({GraphChange::Kind::NodeRenamed, new_id, id});
}

void Graph::set_param(const std::string& id, const std::string& name, ParamValue value) {
  node(id);
  Node& n = *find_mutable(id);
  const LayerType& t = type_of(n.type);
  const ParamSpec* spec = t.param(name);
  if (value.is_null() && !(spec && spec->kind == ParamKind::OptionalFloat)) {
    unset_param(id, name);
    return;
  }
  if (auto bad = param_problem(n, t, name, value); !bad.empty()) throw GraphError(bad);
  auto it = n.params.find(name);
  if (it != n.params.end() && it->second == value) return;
  n.params[name] = std::move(value);
  notify({GraphChange::Kind::ParamChanged, id, {}, name});
}

void Graph::unset_param(const std::string& id, const std::string& name) {
  node(id);
  Node& n = *find_mutable(id);
  const LayerType& t = type_of(n.type);
  if (!t.param(name)) throw GraphError(param_problem(n, t, name, ParamValue()));
  auto it = n.params.find(name);
  if (it == n.params.end()) return;  // already unpinned
  n.params.erase(it);
  notify({GraphChange::Kind::ParamChanged, id, {}, name});
}

void Graph::move_node(const std::string& id, std::array<double, 2> pos) {
  node(id);
  find_mutable(id)->pos = pos;
  notify({GraphChange::Kind::NodeMoved, id});
}

void Graph::set_trainable(const std::string& id, bool trainable) {
  node(id);
  Node& n = *find_mutable(id);
  if (n.trainable == trainable) return;
  n.trainable = trainable;
  notify({GraphChange::Kind::NodeChanged, id});
}

void Graph::set_label(const std::string& id, std::string label) {
  node(id);
  Node& n = *find_mutable(id);
  if (n.label == label) return;
  n.label = std::move(label);
  notify({GraphChange::Kind::NodeChanged, id});
}

void Graph::check_port(const Node& n, int port, bool output) const {
  const LayerType& t = type_of(n.type);
  const auto& ports = output ? t.outputs : t.inputs;
  if (port >= 0 && port < static_cast<int>(ports.size())) return;
  const char* side = output ? "output" : "input";
  if (ports.empty())
    throw GraphError("node '" + n.id + "' (" + t.name + ") has no " + side +
                     " ports; connect to another node");
  throw GraphError("node '" + n.id + "' (" + t.name + ") has no " + side + " " +
                   std::to_string(port) + "; its " + side + "s are 0.." +
                   std::to_string(ports.size() - 1));
}

void Graph::connect(const PortRef& from, const PortRef& to) {
  check_port(node(from.node), from.port, true);
  check_port(node(to.node), to.port, false);
  const Edge e{from, to};
  if (edge_keys_.count(edge_key(e)))
    throw GraphError("'" + from.node + "' output " + std::to_string(from.port) +
                     " is already connected to '" + to.node + "' input " + std::to_string(to.port));
  edges_.push_back(e);
  edge_keys_.insert(edge_key(e));
  notify({GraphChange::Kind::EdgeAdded, to.node, {}, {}, e});
}

void Graph::disconnect(const PortRef& from, const PortRef& to) {
  const Edge e{from, to};
  auto it = std::find(edges_.begin(), edges_.end(), e);
  if (it == edges_.end())
    throw GraphError("there is no edge from '" + from.node + "' output " +
                     std::to_string(from.port) + " to '" + to.node + "' input " +
                     std::to_string(to.port) + "; nothing to disconnect");
  edges_.erase(it);
  edge_keys_.erase(edge_key(e));
  notify({GraphChange::Kind::EdgeRemoved, to.node, {}, {}, e});
}

void Graph::clear() {
  nodes_.clear();
  index_.clear();
  edges_.clear();
  edge_keys_.clear();
  notify({GraphChange::Kind::Reset});
}

// ---- reading

const Node* Graph::find(const std::string& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &nodes_[it->second];
}

Node* Graph::find_mutable(const std::string& id) {
  return const_cast<Node*>(std::as_const(*this).find(id));
}

const Node& Graph::node(const std::string& id) const {
  if (const Node* n = find(id)) return *n;
  throw GraphError("there is no node '" + id + "' in the graph; check the id");
}

std::vector<Edge> Graph::edges_into(const std::string& id) const {
  std::vector<Edge> out;
  for (const Edge& e : edges_)
    if (e.to.node == id) out.push_back(e);
  return out;
}

std::vector<Edge> Graph::edges_out_of(const std::string& id) const {
  std::vector<Edge> out;
  for (const Edge& e : edges_)
    if (e.from.node == id) out.push_back(e);
  return out;
}

std::string Graph::unique_id(const std::string& stem) const {
  if (!find(stem)) return stem;
  for (int i = 2;; ++i) {
    std::string id = stem + "_" + std::to_string(i);
    if (!find(id)) return id;
  }
}

// ---- listeners

int Graph::subscribe(Listener listener) {
  listeners_.emplace_back(next_token_, std::move(listener));
  return next_token_++;
}

void Graph::unsubscribe(int token) {
  std::erase_if(listeners_, [&](const auto& l) { return l.first == token; });
}

void Graph::notify(const GraphChange& change) {
  // A copy: a listener may subscribe or unsubscribe while being told.
  const auto listeners = listeners_;
  for (const auto& [_, listener] : listeners) listener(change);
}

}  // namespace nw::graph
