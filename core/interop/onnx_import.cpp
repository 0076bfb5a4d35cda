// import_onnx: read and check the file, claim its nodes as layers, build and validate the graph,
// then fit the weights to the compiled network's state_dict.
#include "interop/onnx_import.h"

#include <cmath>
#include <set>

#include "graph/analysis.h"
#include "graph/compile.h"
#include "graph/layout.h"
#include "interop/onnx_claims.h"
#include "interop/onnx_metadata.h"
#include "interop/onnx_names.h"
#include "io/checkpoint.h"
#include "io/new_project.h"
#include "tensor/creation.h"

namespace nw::interop {

namespace {

using graph::PortRef;

std::string shape_text(const Shape& s) {
  std::string t;
  for (int64_t d : s) t += (t.empty() ? "" : ", ") + std::to_string(d);
  return "(" + t + ")";
}

// One Input node per graph input; its sample shape is the input's shape without the batch.
void add_inputs(const OnnxModelData& m, graph::Graph& g, std::map<std::string, PortRef>& ports) {
  if (m.inputs.empty())
    throw OnnxImportError(m.file.string() + ": the model has no graph input; a network needs one");
  for (const OnnxValueInfo& in : m.inputs) {
    const std::string where = m.file.string() + ": input '" + in.name + "'";
    if (!in.known || in.shape.size() < 2)
      throw OnnxImportError(where + " has " +
                            (in.known ? "shape " + shape_text(in.shape) : "no shape") +
                            "; Netwright needs (batch, *sample shape), export with an example "
                            "input of that form");
    graph::ParamValue shape = nlohmann::json::array();
    for (size_t d = 1; d < in.shape.size(); ++d) {
      if (in.shape[d] <= 0)
        throw OnnxImportError(where + " has a dynamic dimension " + std::to_string(d) +
                              ", where Netwright needs a fixed sample shape; export with "
                              "dynamic_axes only on the batch dimension (0)");
      shape.push_back(in.shape[d]);
    }
    const std::string id = sanitized_id(in.name, "input", g);
    g.add_node("Input", id, {{"shape", shape}});
    ports[in.name] = {id, 0};
  }
}

std::string diagnostics_text(const graph::Analysis& a, const graph::Graph& g) {
  std::string s;
  for (const graph::Diagnostic& d : a.errors()) s += "\n  " + d.to_string(g);
  return s;
}

// Matches the claimed weights against the compiled network's state_dict: every key present with
// its shape; a BatchNorm's num_batches_tracked, which ONNX does not carry, starts at 0.
nn::StateDict fit_weights(const graph::Graph& g, const std::map<std::string, Tensor>& weights,
                          const std::filesystem::path& file) {
  auto net = graph::compile(g);
  nn::StateDict out;
  std::set<std::string> used;
  for (const auto& [key, want] : net->state_dict()) {
    auto it = weights.find(key);
    if (it == weights.end()) {
      if (key.size() >= 19 && key.compare(key.size() - 19, 19, "num_batches_tracked") == 0) {
        out.emplace_back(key, zeros(want.sizes(), kInt64));
        continue;
      }
      throw OnnxImportError(file.string() + ": the model gives no value for '" + key +
                            "'; the ONNX pattern of its layer lacks a weight");
    }
    if (it->second.sizes() != want.sizes())
      throw OnnxImportError(file.string() + ": '" + key + "' has shape " +
                            shape_text(it->second.sizes()) + " in the model, but the layer needs " +
                            shape_text(want.sizes()) + "; the model's shapes do not match");
    out.emplace_back(key, it->second.to(want.dtype()).contiguous());
    used.insert(key);
  }
  // A BatchNorm or LayerNorm without affine parameters exports a scale of ones and a shift of
  // zeros, which its layer does not hold.
  auto is_identity = [](const std::string& key, const Tensor& t) {
    const double want = key.ends_with(".weight") ? 1 : key.ends_with(".bias") ? 0 : NAN;
    const Tensor v = t.to(kFloat32).contiguous();
    for (int64_t i = 0; i < v.numel(); ++i)
      if (v.data_ptr<float>()[i] != want) return false;
    return true;
  };
  for (const auto& [key, t] : weights)
    if (!used.count(key) && !is_identity(key, t))
      throw OnnxImportError(file.string() + ": weight '" + key +
                            "' fits no parameter of the imported layers");
  return out;
}

// The new-project settings (Fashion-MNIST, as the tutorial) when the network reads its images;
// otherwise synthetic samples of the Input's shape with as many classes as the output has
// features, so that the project validates and trains at once, until the user picks real data.
void default_data(io::Project& p, const graph::Analysis& a) {
  const graph::Node& in = p.graph.node(a.inputs.front());
  const auto out = a.nodes.at(a.output).outputs.front();
  if (p.graph.node(a.output).type == "LogSoftmax") p.training.loss = {{"type", "NLLLoss"}};
  if (a.inputs.size() == 1 && in.params.at("shape") == nlohmann::json::array({1, 28, 28})) return;
  const int64_t classes = out.size() == 1 ? std::max<int64_t>(out[0], 2) : 2;
  auto synthetic = [&](int64_t count, int64_t seed) {
    return nlohmann::json{{"source", "synthetic"},
                          {"classes", classes},
                          {"count", count},
                          {"seed", seed},
                          {"shape", in.params.at("shape")}};
  };
  p.data.train.emplace().spec = synthetic(256, 0);
  p.data.test.emplace().spec = synthetic(64, 1);
  p.data.transforms = nlohmann::json::array();
}

}  // namespace

ImportedModel import_onnx(const std::filesystem::path& path) {
  const OnnxModelData m = read_onnx_model(path);
  OnnxClaims claims(m);
  try {
    claims.run();
  } catch (const OnnxImportError&) {
    throw;
  } catch (const Error& e) {
    throw OnnxImportError(path.string() + ": " + e.what());
  }
  const NodeMetadata meta = read_node_metadata(m);

  ImportedModel r;
  r.project = io::new_project();
  r.project.name = path.stem().string();
  graph::Graph& g = r.project.graph;
  g.clear();
  std::map<std::string, PortRef> ports;  // ONNX value -> the port producing it
  add_inputs(m, g, ports);
  std::map<std::string, Tensor> weights;
  const std::vector<std::string> ids = claim_ids(claims.claims(), m, g);
  for (size_t k = 0; k < ids.size(); ++k) {
    const graph::OnnxClaim& c = claims.claims()[k];
    const std::string& id = ids[k];
    try {
      g.add_node(apply_metadata(meta, id, c, g));
    } catch (const Error& e) {
      throw OnnxImportError(path.string() + ": ONNX node '" + c.nodes.front()->name + "' (" +
                            c.type + "): " + e.what());
    }
    for (size_t p = 0; p < c.outputs.size(); ++p)
      if (!c.outputs[p].empty()) ports[c.outputs[p]] = {id, static_cast<int>(p)};
    for (const auto& [suffix, t] : c.weights) weights[id + "." + suffix] = t;
  }
  for (size_t k = 0; k < ids.size(); ++k) {
    const graph::OnnxClaim& c = claims.claims()[k];
    for (size_t p = 0; p < c.inputs.size(); ++p) {
      auto from = ports.find(c.inputs[p]);
      if (from == ports.end())
        throw OnnxImportError(path.string() + ": ONNX node '" + c.nodes.front()->name + "' (" +
                              c.nodes.front()->op + ") reads '" + c.inputs[p] +
                              "', which no imported layer computes; the model computes it with "
                              "ops Netwright does not import");
      g.connect(from->second, {ids[k], static_cast<int>(p)});
    }
  }
  if (m.outputs.size() != 1 || !ports.count(m.outputs[0]))
    throw OnnxImportError(path.string() + ": the model has " + std::to_string(m.outputs.size()) +
                          " outputs; Netwright imports networks with one output");

  const graph::Analysis a = graph::analyze(g);
  if (!a.ok())
    throw OnnxImportError(path.string() +
                          ": the imported network does not validate:" + diagnostics_text(a, g));
  if (a.output != ports.at(m.outputs[0]).node)
    throw OnnxImportError(path.string() + ": the model's output '" + m.outputs[0] +
                          "' is not the imported network's only sink; unused outputs remain");
  r.weights = fit_weights(g, weights, path);
  default_data(r.project, a);
  for (const auto& [id, pos] : graph::layout_graph(g)) g.move_node(id, pos);
  for (const std::string& id : a.order) {
    const graph::NodeInfo& info = a.nodes.at(id);
    std::string line = id + " (" + g.node(id).type + ") -> ";
    for (size_t p = 0; p < info.outputs.size(); ++p)
      line += (p ? ", " : "") + graph::format_shape(info.outputs[p]);
    r.report.push_back(line);
  }
  return r;
}

void write_imported(const ImportedModel& imported, const std::filesystem::path& project_file) {
  std::filesystem::path h5 = project_file;
  h5.replace_extension(".h5");
  io::Project project = imported.project;
  project.path = project_file;
  // Every run of the project starts from the imported weights (transfer learning's "init"
  // block; relative to the project's folder), in the CLI and the application alike.
  project.extra["init"] = {{"checkpoint", h5.filename().string()}};
  io::Checkpoint ckpt;
  ckpt.model = imported.weights;
  ckpt.project = io::to_string(project);
  if (!project_file.parent_path().empty())
    std::filesystem::create_directories(project_file.parent_path());
  io::write_checkpoint(h5, ckpt);
  try {
    io::save_project(project, project_file);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(h5, ec);
    throw;
  }
}

}  // namespace nw::interop
