#include "interop/torch_net.h"

#include <map>
#include <set>

#include "graph/block_expand.h"
#include "interop/python_text.h"
#include "interop/torch_blocks.h"
#include "interop/torch_node_writing.h"
#include "tensor/errors.h"

namespace nw::interop {

std::string torch_net_class(const graph::Graph& graph, const graph::Analysis& analysis,
                            const std::string& class_name, const std::set<std::string>& reserved) {
  std::set<std::string> globals = reserved;
  globals.insert({"torch", "nn", "F", "np", "h5py", class_name});
  const BlockClasses blocks(graph, analysis, globals);
  // One variable per used output port, named after the node (port 1: "<id>_hidden").
  std::set<std::string> taken = globals;
  taken.insert("self");
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
    const std::string where = "node '" + id + "' (" + node.type + "): ";
    const graph::LayerType* type = graph.find_type(node.type);
    std::vector<std::string> in(type ? type->inputs.size() : 0, "_"), out;
    for (const graph::Edge& e : graph.edges_into(id))
      in.at(size_t(e.to.port)) = vars.at({e.from.node, e.from.port});
    for (size_t p = 0; type && p < type->outputs.size(); ++p) {
      auto it = vars.find({id, int(p)});
      out.push_back(it == vars.end() ? "_" : it->second);
    }
    if (graph::is_block_type(node.type)) {
      // An instance of the block's class, called on its inputs.
      check_id(id, where);
      add_module_lines(id, blocks.call(id), containers, init);
      if (!node.trainable) frozen.push_back(module_path(id));
      std::string targets, args;
      for (size_t p = 0; p < out.size(); ++p) targets += (p ? ", " : "") + out[p];
      for (size_t p = 0; p < in.size(); ++p) args += (p ? ", " : "") + in[p];
      body += python::wrap(targets + " = " + module_path(id) + "(" + args + ")", 8);
      continue;
    }
    if (!type || !type->torch_code)
      throw Error(where +
                  "this layer type has no PyTorch code rule; replace the node or add a "
                  "torch_code rule to its registry entry");
    NodeWriting code(node, *type, analysis.nodes.at(id), in, out, taken, module_path(id));
    type->torch_code(code);
    if (code.argument()) {
      args += ", " + out.at(0);
      continue;
    }
    if (!code.constructor().empty()) {
      check_id(id, where);
      add_module_lines(id, code.constructor(), containers, init);
      if (!node.trainable) frozen.push_back(code.module());
    }
    for (const std::string& line : code.lines()) body += python::wrap(line, 8);
  }
  // Frozen layers inside trainable uses (a frozen use freezes its whole module above).
  const graph::Expansion x = graph::expand_blocks(graph);
  for (const graph::Node& n : x.flat.nodes()) {
    auto o = x.origin.find(n.id);
    if (n.trainable || !blocks.modules().count(n.id) || o == x.origin.end() ||
        !graph.node(o->second.use).trainable)
      continue;
    frozen.push_back("self.get_submodule(" + python::quoted(n.id) + ")");
  }
  if (!frozen.empty()) init += "        # Frozen in the project.\n";
  for (const std::string& m : frozen) init += python::wrap(m + ".requires_grad_(False)", 8);

  std::string out = blocks.text() + "class " + class_name + "(nn.Module):\n";
  out += "    def __init__(self):\n        super().__init__()\n" + init + "\n";
  out += "    def forward(self" + args + "):\n" + body;
  out += "        return " + vars.at({analysis.output, 0}) + "\n";
  return out;
}

}  // namespace nw::interop
