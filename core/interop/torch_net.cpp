#include "interop/torch_net.h"

#include <map>
#include <set>

#include "graph/torch_code_rule.h"
#include "interop/python_text.h"
#include "tensor/errors.h"

namespace nw::interop {

namespace {

using graph::SampleShape;

// Names nn.Module and nn.ModuleDict already use (PyTorch 1.13): a submodule of that name would
// be refused ("attribute 'eval' already exists") or hide a method.
const std::set<std::string>& module_attributes() {
  static const std::set<std::string> names = {"T_destination",
                                              "add_module",
                                              "apply",
                                              "bfloat16",
                                              "buffers",
                                              "children",
                                              "clear",
                                              "cpu",
                                              "cuda",
                                              "double",
                                              "dump_patches",
                                              "eval",
                                              "extra_repr",
                                              "float",
                                              "forward",
                                              "get_buffer",
                                              "get_extra_state",
                                              "get_parameter",
                                              "get_submodule",
                                              "half",
                                              "ipu",
                                              "items",
                                              "keys",
                                              "load_state_dict",
                                              "modules",
                                              "named_buffers",
                                              "named_children",
                                              "named_modules",
                                              "named_parameters",
                                              "parameters",
                                              "pop",
                                              "register_backward_hook",
                                              "register_buffer",
                                              "register_forward_hook",
                                              "register_forward_pre_hook",
                                              "register_full_backward_hook",
                                              "register_load_state_dict_post_hook",
                                              "register_module",
                                              "register_parameter",
                                              "requires_grad_",
                                              "set_extra_state",
                                              "share_memory",
                                              "state_dict",
                                              "to",
                                              "to_empty",
                                              "train",
                                              "training",
                                              "type",
                                              "update",
                                              "values",
                                              "xpu",
                                              "zero_grad"};
  return names;
}

std::vector<std::string> split_id(const std::string& id) {
  std::vector<std::string> parts{""};
  for (char c : id) {
    if (c == '.')
      parts.emplace_back();
    else
      parts.back() += c;
  }
  return parts;
}

// "self.fc1", 'self.layer1["0"]["conv1"]': the first part an attribute, the rest dict keys.
std::string module_path(const std::vector<std::string>& parts, size_t count) {
  std::string out = "self." + parts[0];
  for (size_t i = 1; i < count; ++i) out.append("[").append(python::quoted(parts[i])).append("]");
  return out;
}

void check_id(const std::string& id, const std::string& type) {
  const std::vector<std::string> parts = split_id(id);
  const std::string where = "node '" + id + "' (" + type + "): ";
  if (!python::is_identifier(parts[0]))
    throw Error(where + "'" + parts[0] +
                "' cannot be a Python attribute name (it starts with a digit or is a keyword); "
                "rename the node, e.g. to 'n" +
                id + "'");
  for (const std::string& p : parts)
    if (module_attributes().count(p) || p.front() == '_')
      throw Error(where + "'" + p +
                  "' is taken by nn.Module itself (or starts with '_'), so PyTorch cannot name a "
                  "submodule so; rename the node, e.g. to '" +
                  id + "_layer'");
}

class NodeWriting final : public graph::TorchWriting {
 public:
  NodeWriting(const graph::Node& node, const graph::LayerType& type, const graph::NodeInfo& info,
              std::vector<std::string> in, std::vector<std::string> out,
              std::set<std::string>& taken)
      : node_(node),
        type_(type),
        info_(info),
        in_(std::move(in)),
        out_(std::move(out)),
        taken_(taken) {}

  const std::string& node_id() const override { return node_.id; }
  const graph::LayerType& type() const override { return type_; }
  const graph::ParamMap& params() const override { return info_.params; }
  const std::vector<SampleShape>& input_shapes() const override { return info_.inputs; }
  const std::vector<SampleShape>& output_shapes() const override { return info_.outputs; }
  std::string input(int port) const override { return in_.at(size_t(port)); }
  std::string module() const override {
    const auto parts = split_id(node_.id);
    return module_path(parts, parts.size());
  }
  std::string output(int port) const override { return out_.at(size_t(port)); }
  std::string temporary(const std::string& stem) override { return python::variable(stem, taken_); }
  void set_module(std::string constructor) override { constructor_ = std::move(constructor); }
  void add_line(std::string statement) override { lines_.push_back(std::move(statement)); }
  void set_argument() override { argument_ = true; }

  const std::string& constructor() const { return constructor_; }
  const std::vector<std::string>& lines() const { return lines_; }
  bool argument() const { return argument_; }

 private:
  const graph::Node& node_;
  const graph::LayerType& type_;
  const graph::NodeInfo& info_;
  std::vector<std::string> in_, out_;
  std::set<std::string>& taken_;
  std::string constructor_;
  std::vector<std::string> lines_;
  bool argument_ = false;
};

// __init__ lines for one submodule, with the containers its dotted id needs first. (The
// validator already refuses an id nested under another layer's.)
void add_module_lines(const std::string& id, const std::string& constructor,
                      std::set<std::string>& containers, std::string& init) {
  const std::vector<std::string> parts = split_id(id);
  std::string prefix;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    prefix += (i ? "." : "") + parts[i];
    if (containers.insert(prefix).second)
      init += python::wrap(module_path(parts, i + 1) + " = nn.ModuleDict()", 8);
  }
  init += python::wrap(module_path(parts, parts.size()) + " = " + constructor, 8);
}

}  // namespace

std::string torch_net_class(const graph::Graph& graph, const graph::Analysis& analysis,
                            const std::string& class_name) {
  // One variable per used output port, named after the node (port 1: "<id>_hidden").
  std::set<std::string> taken = {"self", "torch", "nn", "F", "np", "h5py"};
  std::map<std::pair<std::string, int>, std::string> vars;
  auto port_var = [&](const std::string& id, int port) {
    auto [it, fresh] = vars.try_emplace({id, port});
    if (fresh) it->second = python::variable(port ? id + "_hidden" : id, taken);
    return it->second;
  };
  for (const std::string& id : analysis.order) {
    if (id == analysis.output) port_var(id, 0);
    for (const graph::Edge& e : graph.edges_out_of(id)) port_var(id, e.from.port);
  }

  std::set<std::string> containers;
  std::string init, body, args;
  std::vector<std::string> frozen;
  for (const std::string& id : analysis.order) {
    const graph::Node& node = graph.node(id);
    const graph::LayerType* type = graph::Registry::instance().find(node.type);
    if (!type || !type->torch_code)
      throw Error("node '" + id + "' (" + node.type +
                  "): this layer type has no PyTorch code rule; replace the node or add a "
                  "torch_code rule to its registry entry");
    const graph::NodeInfo& info = analysis.nodes.at(id);
    std::vector<std::string> in(type->inputs.size(), "_"), out;
    for (const graph::Edge& e : graph.edges_into(id))
      in.at(size_t(e.to.port)) = vars.at({e.from.node, e.from.port});
    for (size_t p = 0; p < type->outputs.size(); ++p) {
      auto it = vars.find({id, int(p)});
      out.push_back(it == vars.end() ? "_" : it->second);
    }
    NodeWriting code(node, *type, info, in, out, taken);
    type->torch_code(code);
    if (code.argument()) {
      args += ", " + out.at(0);
      continue;
    }
    if (!code.constructor().empty()) {
      check_id(id, node.type);
      add_module_lines(id, code.constructor(), containers, init);
      if (!node.trainable) frozen.push_back(code.module());
    }
    for (const std::string& line : code.lines()) body += python::wrap(line, 8);
  }
  for (const std::string& m : frozen)
    init += python::wrap(m + ".requires_grad_(False)  # frozen in the project", 8);

  std::string out = "class " + class_name + "(nn.Module):\n";
  out += "    def __init__(self):\n        super().__init__()\n" + init + "\n";
  out += "    def forward(self" + args + "):\n" + body;
  out += "        return " + vars.at({analysis.output, 0}) + "\n";
  return out;
}

}  // namespace nw::interop
