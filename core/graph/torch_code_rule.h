#pragma once
// What a layer type's PyTorch-code rule (LayerType::torch_code) sees and sets: one node being
// written as a submodule of the generated nn.Module and as lines of its forward().
//
//   [](TorchWriting& code) {
//     code.set_module("nn.Linear(" + code.arg("in_features") + ", " + ... + ")");
//     code.set_forward(code.module() + "(" + code.input(0) + ")");   // fc1 = self.fc1(x)
//   }
//
// The writer (core/interop/torch_code.cpp) registers the module under the node id, so the
// state_dict keys are the node's checkpoint keys, and names each output's variable after the id.
#include <optional>
#include <string>
#include <vector>

#include "graph/registry.h"

namespace nw::graph {

class TorchWriting {
 public:
  virtual ~TorchWriting() = default;

  // ---- what the rule reads
  virtual const std::string& node_id() const = 0;
  virtual const LayerType& type() const = 0;
  // Every declared parameter, completed by shape inference (pinned, default or inferred).
  virtual const ParamMap& params() const = 0;
  // Sample shapes (no batch dimension) on each input port and each output port.
  virtual const std::vector<SampleShape>& input_shapes() const = 0;
  virtual const std::vector<SampleShape>& output_shapes() const = 0;
  // The Python expression (a variable) that holds the value arriving on input `port`.
  virtual std::string input(int port) const = 0;
  // The Python expression of this node's submodule: "self.fc1", 'self.layer1["0"].conv1'.
  virtual std::string module() const = 0;
  // The variable this node's output `port` is assigned to ("fc1", "lstm_hidden"), or "_" when
  // no edge reads that port.
  virtual std::string output(int port) const = 0;
  // A fresh local variable name built from `stem` ("lstm_h_n"), for intermediate values.
  virtual std::string temporary(const std::string& stem) = 0;
  // Inside a block's nn.Module class: the Python expression that stands for parameter `name`
  // ("channels", an argument of the class's __init__) when its value comes from the block's
  // parameters or differs between uses; nullopt for a literal. arg(), size_arg() and
  // keywords() write it in place of the value.
  virtual std::optional<std::string> expression(const std::string&) const { return std::nullopt; }

  // ---- what the rule sets
  // The submodule's constructor, "nn.Linear(784, 128, bias=True)"; not called for nodes
  // without a module (Add, Reshape, activations written as functions).
  virtual void set_module(std::string constructor) = 0;
  // Appends one statement to forward(), e.g. "lstm, _ = self.lstm(reshape)".
  virtual void add_line(std::string statement) = 0;
  // Marks the node as a forward() argument (Input): its output variable is a parameter.
  virtual void set_argument() = 0;

  // ---- conveniences over the above
  // output(0) = expression.
  void set_forward(const std::string& expression) { add_line(output(0) + " = " + expression); }
  // A parameter as a Python literal: 3, 0.1, True, None, (3, 3), [28, 28], 'tanh'.
  std::string arg(const std::string& name) const;
  // A size parameter that may be one number or a pair, as PyTorch takes it: 3 or (3, 5).
  std::string size_arg(const std::string& name) const;
  // Keyword arguments for the named parameters whose values differ from their defaults, in the
  // given order: ", stride=2, bias=False" (empty when all are defaults), so the code reads as a
  // PyTorch user writes it.
  std::string keywords(const std::vector<std::string>& names) const;
  int64_t int_param(const std::string& name) const;
  bool bool_param(const std::string& name) const;
};

// The two common shapes of a rule. torch_module: the node is one submodule called on its single
// input (fc1 = self.fc1(x)); `constructor` gives "nn.Linear(784, 128, bias=True)".
// torch_function: the node has no module and is one expression of its inputs ("a + b").
using TorchText = std::function<std::string(const TorchWriting& code)>;
TorchCodeRule torch_module(TorchText constructor);
TorchCodeRule torch_function(TorchText expression);

// A JSON value as a Python literal: null -> None, true -> True, 0.1 -> 0.1, "x" -> 'x', arrays
// -> [..]. Floats keep their shortest round-trip form, so the code holds the project's numbers.
std::string python_literal(const ParamValue& value);

}  // namespace nw::graph
