#include "graph/compile.h"

#include <algorithm>
#include <functional>
#include <map>

#include "graph/block_expand.h"

namespace nw::graph {

namespace {

// The plain container that dotted ids nest in ("layer1" and "layer1.0" of "layer1.0.conv1"), so
// that state_dict keys read as torchvision's. It has no forward: the graph does the running.
class NodeGroup : public nn::Module {
 public:
  explicit NodeGroup(std::string type) : nn::Module(std::move(type)) {}
  void add(const std::string& name, nn::ModulePtr m) { add_child(name, std::move(m)); }
};

}  // namespace

// One node of the compiled network, in topological order.
struct GraphModule::Step {
  std::string id;
  const LayerType* type = nullptr;
  nn::ModulePtr module;  // null for Input nodes
  bool trainable = true;
  int input_slot = -1;                       // Input nodes: which forward() argument
  SampleShape input_shape;                   // Input nodes: the declared sample shape
  std::vector<std::pair<int, int>> args;     // (step, output port) per input port
  std::vector<std::pair<int, int>> release;  // values last used here, dropped after it runs
};

GraphModule::GraphModule(Graph graph, Analysis analysis,
                         const std::map<std::string, std::string>& block_groups)
    : nn::Module("GraphModule"), graph_(std::move(graph)), analysis_(std::move(analysis)) {
  std::map<std::string, std::shared_ptr<NodeGroup>> groups;
  std::function<void(const std::string&, nn::ModulePtr)> place;
  // The group at `path`, made (and placed in its own parent) on first use.
  auto group = [&](const std::string& path) {
    auto it = groups.find(path);
    if (it != groups.end()) return it->second;
    auto type = block_groups.find(path);
    auto g = std::make_shared<NodeGroup>(type == block_groups.end() ? "ModuleDict" : type->second);
    place(path, g);
    return groups[path] = g;
  };
  place = [&](const std::string& id, nn::ModulePtr m) {
    const size_t dot = id.rfind('.');
    if (dot == std::string::npos)
      register_module(id, std::move(m));
    else
      group(id.substr(0, dot))->add(id.substr(dot + 1), std::move(m));
  };

  std::map<std::string, int> step_of;
  for (const std::string& id : analysis_.order) {
    const NodeInfo& info = analysis_.nodes.at(id);
    if (!info.shapes_known) continue;  // a dangling node: not part of the network
    const Node& node = graph_.node(id);
    auto step = std::make_shared<Step>();
    step->id = id;
    step->type = Registry::instance().find(node.type);
    step->trainable = node.trainable;
    step->args.resize(step->type->inputs.size());
    if (step->type->category == "Input") {
      const auto& ins = analysis_.inputs;
      step->input_slot = static_cast<int>(std::find(ins.begin(), ins.end(), id) - ins.begin());
      step->input_shape = info.outputs.at(0);
    } else if (!step->type->make) {
      throw GraphError("node '" + id + "' (" + node.type +
                       ") has no module to run; its registry entry needs a factory");
    } else {
      try {
        step->module = step->type->make(info.params);
      } catch (const std::exception& e) {
        throw GraphError("node '" + id + "' (" + node.type +
                         "): cannot build the layer: " + e.what());
      }
      place(id, step->module);
    }
    step_of[id] = static_cast<int>(steps_.size());
    steps_.push_back(std::move(step));
  }

  for (const Edge& e : graph_.edges()) {
    auto from = step_of.find(e.from.node), to = step_of.find(e.to.node);
    if (from == step_of.end() || to == step_of.end()) continue;
    steps_[static_cast<size_t>(to->second)]->args[static_cast<size_t>(e.to.port)] = {from->second,
                                                                                     e.from.port};
  }
  // Each value is dropped after the last step that reads it, so that a deep network holds only
  // the tensors still needed (autograd keeps what backward needs by itself).
  std::map<std::pair<int, int>, int> last_use;
  for (size_t s = 0; s < steps_.size(); ++s)
    for (const auto& arg : steps_[s]->args) last_use[arg] = static_cast<int>(s);
  last_use.erase({step_of.at(analysis_.output), 0});
  for (const auto& [value, s] : last_use) steps_[static_cast<size_t>(s)]->release.push_back(value);
}

Tensor GraphModule::forward(const Tensor& x) {
  return forward(std::vector<Tensor>{x});
}

Tensor GraphModule::forward(const std::vector<Tensor>& inputs) {
  const auto& names = analysis_.inputs;
  if (inputs.size() != names.size()) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "'" : ", '") + n + "'";
    throw ShapeError("the network has " + std::to_string(names.size()) + " input(s) (" + list +
                     "), gets " + std::to_string(inputs.size()) +
                     " tensor(s); pass one tensor per Input node, in that order");
  }
  std::vector<std::vector<Tensor>> values(steps_.size());
  int output_step = -1;
  for (size_t s = 0; s < steps_.size(); ++s) {
    const Step& step = *steps_[s];
    if (step.id == analysis_.output) output_step = static_cast<int>(s);
    if (step.input_slot >= 0) {
      const Tensor& x = inputs[static_cast<size_t>(step.input_slot)];
      const Shape& got = x.sizes();
      if (got.size() != step.input_shape.size() + 1 ||
          !std::equal(step.input_shape.begin(), step.input_shape.end(), got.begin() + 1))
        throw ShapeError("network input '" + step.id + "' expects " +
                         format_shape(step.input_shape) + ", gets " + shape_str(got) +
                         "; reshape the batch or change the Input's shape");
      values[s] = {x};
      continue;
    }
    std::vector<Tensor> args;
    args.reserve(step.args.size());
    for (const auto& [from, port] : step.args)
      args.push_back(values[static_cast<size_t>(from)][static_cast<size_t>(port)]);
    if (step.type->run) {
      values[s] = step.type->run(*step.module, args);
      if (values[s].size() != step.type->outputs.size())
        throw Error("node '" + step.id + "' (" + step.type->name + "): its runner returned " +
                    std::to_string(values[s].size()) + " tensors for " +
                    std::to_string(step.type->outputs.size()) +
                    " output ports; this is a bug in its registry entry, please report it");
    } else {
      values[s] = {args.size() == 1 ? step.module->forward(args[0]) : step.module->forward(args)};
    }
    if (observer_) observer_(step.id, values[s]);
    for (const auto& [from, port] : step.release)
      values[static_cast<size_t>(from)][static_cast<size_t>(port)] = Tensor();
  }
  return values[static_cast<size_t>(output_step)][0];
}

nn::ModulePtr GraphModule::node_module(const std::string& id) const {
  for (const auto& step : steps_)
    if (step->id == id) return step->module;
  return nullptr;
}

std::vector<Tensor> GraphModule::trainable_parameters() const {
  std::vector<Tensor> out;
  for (const auto& step : steps_)
    if (step->module && step->trainable)
      for (const Tensor& t : step->module->parameters()) out.push_back(t);
  return out;
}

void GraphModule::apply_trainable() {
  for (const auto& step : steps_)
    if (step->module)
      for (Tensor t : step->module->parameters()) t.requires_grad_(step->trainable);
}

std::shared_ptr<GraphModule> compile(const Graph& graph) {
  Analysis analysis = analyze(graph);
  if (analysis.ok() && has_block_uses(graph)) {
    Expansion x = expand_blocks(graph);
    Analysis flat = analyze(x.flat);
    if (flat.ok() && !flat.output.empty())
      return std::shared_ptr<GraphModule>(new GraphModule(x.flat, std::move(flat), x.groups));
    analysis = std::move(flat);  // not expected: the analysis of the uses passed
  }
  if (!analysis.ok()) {
    std::string message;
    for (const Diagnostic& d : analysis.errors()) {
      if (!message.empty()) message += '\n';
      message += d.to_string(graph);
    }
    throw GraphError(message);
  }
  if (analysis.output.empty())
    throw GraphError("the network has no output; connect its last layer to nothing else");
  // Not make_shared: the constructor is private to compile().
  return std::shared_ptr<GraphModule>(new GraphModule(graph, std::move(analysis), {}));
}

}  // namespace nw::graph
