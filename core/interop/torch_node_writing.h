#pragma once
// Internal to the PyTorch code writer (torch_net.cpp, torch_blocks.cpp): one node written through
// its type's rule (graph/torch_code_rule.h), and the submodule names PyTorch accepts.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "graph/analysis.h"
#include "graph/torch_code_rule.h"

namespace nw::interop {

// "layer1.0.conv1" -> {"layer1", "0", "conv1"}
std::vector<std::string> split_id(const std::string& id);
// `owner` + the submodule at `id`: "self.fc1", 'self.layer1["0"]["conv1"]': the first part an
// attribute, the rest dict keys.
std::string module_path(const std::string& id, const std::string& owner = "self");
// Throws nw::Error when PyTorch cannot take `id` as a submodule name (a keyword, a digit first,
// a name nn.Module has): `where` names the node ("node 'x' (Conv2d): ").
void check_id(const std::string& id, const std::string& where);
// __init__ lines (at `indent`) that set the submodule `id` of `owner`, with the nn.ModuleDict
// containers its dotted id needs first (`containers`: those made so far).
void add_module_lines(const std::string& id, const std::string& constructor,
                      std::set<std::string>& containers, std::string& init, int indent = 8);

// One node as the rule sees it. `module`: its submodule's Python expression; `expressions`:
// parameters written as Python expressions (in a block's class).
class NodeWriting final : public graph::TorchWriting {
 public:
  NodeWriting(const graph::Node& node, const graph::LayerType& type, const graph::NodeInfo& info,
              std::vector<std::string> in, std::vector<std::string> out,
              std::set<std::string>& taken, std::string module,
              std::map<std::string, std::string> expressions = {})
      : node_(node),
        type_(type),
        info_(info),
        in_(std::move(in)),
        out_(std::move(out)),
        taken_(taken),
        module_(std::move(module)),
        expressions_(std::move(expressions)) {}

  const std::string& node_id() const override { return node_.id; }
  const graph::LayerType& type() const override { return type_; }
  const graph::ParamMap& params() const override { return info_.params; }
  const std::vector<graph::SampleShape>& input_shapes() const override { return info_.inputs; }
  const std::vector<graph::SampleShape>& output_shapes() const override { return info_.outputs; }
  std::string input(int port) const override { return in_.at(size_t(port)); }
  std::string module() const override { return module_; }
  std::string output(int port) const override { return out_.at(size_t(port)); }
  std::string temporary(const std::string& stem) override;
  std::optional<std::string> expression(const std::string& name) const override;
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
  std::string module_;
  std::map<std::string, std::string> expressions_;
  std::string constructor_;
  std::vector<std::string> lines_;
  bool argument_ = false;
};

}  // namespace nw::interop
