#include "interop/onnx_export.h"

#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include "graph/compile.h"
#include "interop/loaded_network.h"
#include "interop/onnx_node_writer.h"
#include "io/atomic_file.h"
#include "io/checkpoint.h"

namespace nw::interop {

namespace {

constexpr int64_t kOpset = 17;
constexpr int64_t kIrVersion = 8;

// What ONNX cannot say about each node, for importers that want the project back as it was.
std::string nodes_metadata(const graph::Graph& graph) {
  nlohmann::json nodes = nlohmann::json::object();
  for (const graph::Node& n : graph.nodes()) {
    nlohmann::json params = nlohmann::json::object();
    for (const auto& [key, value] : n.params) params[key] = value;
    nodes[n.id] = {
        {"type", n.type}, {"params", params}, {"trainable", n.trainable}, {"label", n.label}};
  }
  return nodes.dump();
}

// The weights as the loaded network holds them, by key.
std::map<std::string, Tensor> weights_by_key(graph::GraphModule& net) {
  std::map<std::string, Tensor> out;
  for (auto& [key, value] : net.state_dict()) out[key] = value;
  return out;
}

void write_graph(const graph::GraphModule& net, OnnxGraphState& state) {
  const graph::Graph& g = net.graph();
  const graph::Analysis& analysis = net.analysis();
  const graph::Registry& registry = graph::Registry::instance();
  std::map<std::string, std::vector<std::string>> values;  // node id -> value per output port
  for (const std::string& id : analysis.order) {
    const graph::NodeInfo& info = analysis.nodes.at(id);
    if (!info.shapes_known) continue;  // not part of the network, as in compile()
    const graph::Node& node = g.node(id);
    const graph::LayerType& type = *registry.find(node.type);
    if (!type.onnx_export)
      throw Error("node '" + id + "' (" + node.type + ") cannot be exported to ONNX: " +
                  (type.onnx_unsupported.empty() ? std::string("its type has no ONNX export rule")
                                                 : type.onnx_unsupported) +
                  "; replace it or remove it before exporting");
    std::vector<std::string> inputs(type.inputs.size());
    for (const graph::Edge& e : g.edges_into(id))
      inputs[static_cast<size_t>(e.to.port)] =
          values.at(e.from.node).at(static_cast<size_t>(e.from.port));
    OnnxNodeWriter writer(state, node, info, std::move(inputs));
    values[id] = writer.write(type, id == analysis.output);
  }
  const graph::NodeInfo& out = analysis.nodes.at(analysis.output);
  set_tensor_type(*state.graph->add_output(), onnx::TensorProto::FLOAT, out.outputs.at(0));
  state.graph->mutable_output(0)->set_name(analysis.output);
}

// The checker and strict shape inference: a model that fails them is not written.
void check(onnx::ModelProto& model) {
  try {
    onnx::checker::check_model(model);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions(true, 1, true));
  } catch (const std::exception& e) {
    throw Error(std::string("the ONNX model fails ONNX's own checks (") + e.what() +
                "); this is a bug in an export rule, please report it with the project");
  }
}

}  // namespace

std::string onnx_model_bytes(const io::Project& project, const nn::StateDict& weights) {
  const std::shared_ptr<graph::GraphModule> net = loaded_network(project, weights);
  OnnxGraphState state;
  state.weights = weights_by_key(*net);

  onnx::ModelProto model;
  model.set_ir_version(kIrVersion);
  model.set_producer_name("Netwright");
  model.set_producer_version("0.1.0");
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpset);
  auto* meta = model.add_metadata_props();
  meta->set_key("netwright.nodes");
  // The network as it runs: a graph with blocks is written expanded (ids "layer1.0.conv1", so
  // its node names carry the use as a prefix and its initializers the checkpoint's keys), and
  // an importer rebuilds it flat.
  meta->set_value(nodes_metadata(net->graph()));
  state.graph = model.mutable_graph();
  state.graph->set_name(project.name.empty() ? "network" : project.name);
  write_graph(*net, state);
  // Protobuf cannot serialize a message of 2 GiB or more; ONNX keeps such weights as external
  // data files, which this exporter does not write.
  if (model.ByteSizeLong() >= (size_t(1) << 31))
    throw Error("the network's weights take " + std::to_string(model.ByteSizeLong() >> 20) +
                " MiB, and an ONNX file holds less than 2 GiB; external weight files are not "
                "written yet, so export a smaller network");
  check(model);
  return model.SerializeAsString();
}

void export_onnx(const io::Project& project, const nn::StateDict& weights,
                 const std::filesystem::path& out) {
  io::write_file_atomic(out, onnx_model_bytes(project, weights));
}

}  // namespace nw::interop
