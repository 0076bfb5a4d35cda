#pragma once
// The layer registry: one entry per node type. The validator, the compiler, the project loader,
// the CLI's `layers` listing, the GUI's palette and inspector, and checkpoint names all read
// these entries, so adding a node type means adding one entry (core/graph/layers_*.cpp) and its
// test, nothing else.
//
//   const LayerType* t = Registry::instance().find("Linear");
//   for (const ParamSpec& p : t->params) ...   // in_features (inferred), out_features, bias
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/arg_spec.h"
#include "nn/module.h"
#include "tensor/shape.h"

namespace nw::graph {

// Parameter values are JSON values, as they are written in a project file: 512, true, 0.5,
// [3, 3], "same".
using ParamValue = nlohmann::json;
using ParamMap = std::map<std::string, ParamValue>;

// A parameter's spec is the catalog's argument spec (catalog/arg_spec.h): name, kind, default,
// range or choices, inferred-from-input, one-line description.
using ParamKind = catalog::ArgKind;
using ParamSpec = catalog::ArgSpec;
using catalog::to_string;

struct PortSpec {
  std::string name;  // "input", "output", "hidden"
  std::string description;
};

// A sample shape: a tensor's shape without the batch dimension. Shown as "(N, 1, 28, 28)".
using SampleShape = Shape;
std::string format_shape(const SampleShape& s);  // "(N, 1, 28, 28)"

// The shape rule's view of one node: the shapes arriving on its input ports (one per port, in
// order) and its parameters, completed with defaults. The rule fills in inferred parameters that
// the user did not pin and returns one shape per output port; it throws ShapeRuleError with a
// message that says what is wrong and how to fix it ("expects 512 input features, gets 1600;
// set in_features to 1600 or leave it empty to infer it").
struct ShapeContext {
  std::vector<SampleShape> inputs;
  ParamMap params;                  // every declared parameter: pinned, default or inferred
  std::vector<std::string> pinned;  // names the user set explicitly
  bool is_pinned(const std::string& name) const;
  int64_t get_int(const std::string& name) const;
  double get_float(const std::string& name) const;
  bool get_bool(const std::string& name) const;
  std::string get_string(const std::string& name) const;
  std::pair<int64_t, int64_t> get_pair(const std::string& name) const;  // 3 -> (3, 3)
  std::vector<int64_t> get_list(const std::string& name) const;
  // Sets an inferred parameter unless the user pinned it; when pinned and different, throws
  // ShapeRuleError naming both values.
  void infer(const std::string& name, int64_t value, const std::string& what);
};

struct ShapeRuleError : Error {
  ShapeRuleError(std::string message, int port = -1) : Error(std::move(message)), port(port) {}
  int port;  // the input port at fault, or -1
};

using ShapeRule = std::function<std::vector<SampleShape>(ShapeContext& ctx)>;
// Builds the module from complete parameters (after shape inference). Graph-only nodes without
// a module (Input) have no factory.
using Factory = std::function<nn::ModulePtr(const ParamMap& params)>;
// Runs the module on the node's inputs and returns one tensor per output port. Unset: one input
// goes to forward(x), several to forward(inputs), and the result is the single output.
using Runner = std::function<std::vector<Tensor>(nn::Module& m, const std::vector<Tensor>& inputs)>;
// Multiply-accumulates per sample, for the summary. Unset: 0.
using MacsRule =
    std::function<int64_t(const ShapeContext& ctx, const std::vector<SampleShape>& outputs)>;
// Learnable values of the module the factory would build from these complete parameters (what
// nn::Module::num_parameters() returns), worked out from the parameters alone: the GUI shows it
// on every edit, and building the module would allocate every weight and draw its initial values
// from the default generator. Unset: the type has no learnable parameters (0). Throws nw::Error
// when the parameters give no whole count (groups that do not divide the channels).
using ParamCountRule = std::function<int64_t(const ParamMap& complete)>;

// How a layer type leaves and enters Netwright: each rule takes one context object, declared
// in its own header and implemented by core/interop, so that the registry needs no protobuf and
// a rule's inputs can grow without touching every entry.
class OnnxExporting;  // graph/onnx_export_rule.h: one node being written as ONNX nodes
class OnnxImporting;  // graph/onnx_import_rule.h: one ONNX node being read as a layer
class TorchWriting;   // graph/torch_code_rule.h: one node being written as PyTorch code
// Writes the ONNX nodes and initializers of one node of this type.
using OnnxExportRule = std::function<void(OnnxExporting& onnx)>;
// Tried on each ONNX node whose op type is in `ops`; returns true when it claimed the node (and
// the rest of its pattern) as one node of this type.
struct OnnxImportRule {
  std::vector<std::string> ops;
  std::function<bool(OnnxImporting& onnx)> claim;
};
// Writes the nn.Module constructor and the forward expression of one node of this type.
using TorchCodeRule = std::function<void(TorchWriting& code)>;

struct LayerType {
  std::string name;         // PyTorch's class name: "Conv2d"; the project file's "type"
  std::string category;     // Input, Linear, Convolution, Pooling, Normalization, Recurrent,
                            // Activation, Regularization, Shape, Merge
  std::string description;  // one line
  std::vector<ParamSpec> params;
  std::vector<PortSpec> inputs;  // empty for Input
  std::vector<PortSpec> outputs;
  ShapeRule shape;
  Factory make;
  Runner run;
  MacsRule macs;
  ParamCountRule count;
  // Interop (core/interop). A type either has an export rule or says in `onnx_unsupported` why
  // ONNX cannot express it (export reports that, naming the node).
  OnnxExportRule onnx_export;
  std::string onnx_unsupported;
  std::vector<OnnxImportRule> onnx_import;
  TorchCodeRule torch_code;

  const ParamSpec* param(const std::string& name) const;  // nullptr when not declared
};

// Categories in palette order.
const std::vector<std::string>& categories();

class Registry {
 public:
  static Registry& instance();  // filled with every built-in type on first use
  // Throws nw::Error when the name is taken or the entry is incomplete.
  void add(LayerType type);
  const LayerType* find(const std::string& name) const;           // nullptr when unknown
  const std::vector<LayerType>& types() const { return types_; }  // in registration order
  std::vector<std::string> names() const;
  // Names close to `name` ("Liner" -> "Linear"), for "did you mean" in messages.
  std::vector<std::string> suggest(const std::string& name) const;

 private:
  Registry() = default;
  std::vector<LayerType> types_;
};

// Checks one value against its spec; returns an empty string when valid, otherwise what is wrong
// ("expected a positive integer or a pair of them, got \"3x3\""). See catalog::check_arg.
// Layers also refuse integers beyond 2^31 - 1: they are sizes, counts and dims that the shape and
// parameter-count rules multiply, which must not overflow int64.
std::string check_param(const ParamSpec& spec, const ParamValue& value);

}  // namespace nw::graph
