// Reading an ONNX file into OnnxModelData: with onnx_tensor_proto.cpp and onnx_shapes.cpp, the
// only place the importer touches protobuf.
#include "interop/onnx_file.h"

#include <onnx/onnx_pb.h>

#include <cstring>
#include <fstream>
#include <set>

#include "interop/onnx_shapes.h"
#include "interop/onnx_tensor_proto.h"

namespace nw::interop {

namespace {

std::string read_bytes(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw OnnxImportError(file.string() + ": not a file; give the path of an .onnx model");
  const std::uintmax_t size = std::filesystem::file_size(file, ec);
  if (ec) throw OnnxImportError(file.string() + ": cannot read its size: " + ec.message());
  if (size == 0)
    throw OnnxImportError(file.string() + ": the file is empty; export the model again");
  if (size > kOnnxMaxFileBytes)
    throw OnnxImportError(file.string() + ": " + std::to_string(size >> 20) +
                          " MiB is over the 2 GiB limit of an ONNX file; export the weights as "
                          "external data");
  std::ifstream in(file, std::ios::binary);
  std::string bytes(size, '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size)))
    throw OnnxImportError(file.string() + ": cannot read the file");
  return bytes;
}

// Files people pick by mistake, recognized by their first bytes.
void refuse_other_formats(const std::filesystem::path& file, const std::string& b) {
  auto starts = [&](const char* magic, size_t n) {
    return b.size() >= n && !std::memcmp(b.data(), magic, n);
  };
  const std::string where = file.string() + ": ";
  if (starts("\x89HDF\r\n\x1a\n", 8))
    throw OnnxImportError(where +
                          "is an HDF5 file (a Netwright checkpoint?), not an ONNX model; "
                          "give a .onnx file written by torch.onnx.export or Netwright");
  if (starts("PK\x03\x04", 4))
    throw OnnxImportError(where +
                          "is a zip archive (a PyTorch .pt file?), not an ONNX model; load "
                          "PyTorch weights with File > Import > Weights or --init");
  if (starts("\x80\x02", 2) || starts("\x80\x04", 2) || starts("\x80\x05", 2))
    throw OnnxImportError(where + "is a Python pickle (a legacy PyTorch file?), not an ONNX model");
  if (starts("{", 1))
    throw OnnxImportError(where + "is a text/JSON file (a project?), not an ONNX model");
  // ModelProto starts with ir_version (field 1, varint): the byte 0x08.
  if (b[0] != '\x08')
    throw OnnxImportError(where +
                          "is not an ONNX model (it does not start with an ONNX header); "
                          "give a .onnx file written by torch.onnx.export or Netwright");
}

graph::OnnxAttribute read_attribute(const onnx::AttributeProto& a) {
  graph::OnnxAttribute r;
  using A = onnx::AttributeProto;
  switch (a.type()) {
    case A::INT:
      r.kind = graph::OnnxAttribute::Kind::Int, r.i = a.i();
      break;
    case A::FLOAT:
      r.kind = graph::OnnxAttribute::Kind::Float, r.f = a.f();
      break;
    case A::STRING:
      r.kind = graph::OnnxAttribute::Kind::String, r.s = a.s();
      break;
    case A::INTS:
      r.kind = graph::OnnxAttribute::Kind::Ints;
      r.ints.assign(a.ints().begin(), a.ints().end());
      break;
    case A::FLOATS:
      r.kind = graph::OnnxAttribute::Kind::Floats;
      r.floats.assign(a.floats().begin(), a.floats().end());
      break;
    case A::TENSOR:
      r.kind = graph::OnnxAttribute::Kind::Tensor;
      break;
    default:
      break;
  }
  return r;
}

int64_t default_opset(const onnx::ModelProto& m, const std::filesystem::path& file) {
  int64_t opset = 0;
  for (const auto& o : m.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") opset = o.version();
  }
  const std::string range = std::to_string(kOnnxMinOpset) + " to " + std::to_string(kOnnxMaxOpset);
  if (opset == 0)
    throw OnnxImportError(file.string() +
                          ": the model imports no opset of the default ONNX domain; "
                          "Netwright reads opsets " +
                          range);
  if (opset < kOnnxMinOpset || opset > kOnnxMaxOpset)
    throw OnnxImportError(file.string() + ": opset " + std::to_string(opset) +
                          " is not supported; Netwright reads opsets " + range +
                          " (export with torch.onnx.export(..., opset_version=17))");
  return opset;
}

// Orders the nodes so that each comes after the producers of its inputs; throws on a value that
// nothing defines and on a cycle.
std::vector<int> topological_order(const onnx::GraphProto& g, const std::set<std::string>& defined,
                                   const std::filesystem::path& file) {
  std::map<std::string, int> producer;
  for (int i = 0; i < g.node_size(); ++i)
    for (const auto& out : g.node(i).output())
      if (!out.empty() && !producer.emplace(out, i).second)
        throw OnnxImportError(file.string() + ": value '" + out + "' is written by two nodes ('" +
                              g.node(producer[out]).name() + "' and '" + g.node(i).name() +
                              "'); the model is malformed, export it again");
  std::vector<int> pending(g.node_size(), 0);
  std::vector<std::vector<int>> readers(g.node_size());
  for (int i = 0; i < g.node_size(); ++i) {
    for (const auto& in : g.node(i).input()) {
      if (in.empty() || defined.count(in)) continue;
      auto p = producer.find(in);
      if (p == producer.end())
        throw OnnxImportError(file.string() + ": node '" + g.node(i).name() + "' (" +
                              g.node(i).op_type() + ") reads '" + in +
                              "', which no node, input or initializer defines (a missing "
                              "initializer?); export the model again with its weights");
      ++pending[i];
      readers[p->second].push_back(i);
    }
  }
  std::vector<int> order, ready;
  for (int i = g.node_size() - 1; i >= 0; --i)
    if (!pending[i]) ready.push_back(i);
  while (!ready.empty()) {
    const int i = ready.back();
    ready.pop_back();
    order.push_back(i);
    for (int r : readers[i])
      if (--pending[r] == 0) ready.push_back(r);
  }
  if (static_cast<int>(order.size()) != g.node_size()) {
    for (int i = 0; i < g.node_size(); ++i)
      if (pending[i])
        throw OnnxImportError(file.string() + ": the graph has a cycle through node '" +
                              g.node(i).name() + "' (" + g.node(i).op_type() +
                              "); a network must run from its inputs to its outputs");
  }
  return order;
}

}  // namespace

OnnxModelData read_onnx_model(const std::filesystem::path& file) {
  const std::string bytes = read_bytes(file);
  refuse_other_formats(file, bytes);
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes))
    throw OnnxImportError(file.string() +
                          ": not a readable ONNX model (truncated or not protobuf); export it "
                          "again or check the download");
  if (model.ir_version() <= 0 || !model.has_graph())
    throw OnnxImportError(file.string() +
                          ": the file has no ONNX graph (truncated?); export it "
                          "again");
  OnnxModelData data;
  data.file = file;
  data.opset = default_opset(model, file);
  data.producer = model.producer_name() + " " + model.producer_version();
  for (const auto& p : model.metadata_props())
    if (p.key() == "netwright.nodes") data.netwright_nodes = p.value();
  onnx::GraphProto& g = *model.mutable_graph();

  std::set<std::string> defined;
  for (const auto& t : g.initializer()) {
    data.constants[t.name()] = read_tensor_proto(t, file, "initializer '" + t.name() + "'");
    defined.insert(t.name());
  }
  for (const auto& in : g.input()) {
    defined.insert(in.name());
    if (data.constants.count(in.name())) continue;
    data.inputs.push_back(read_value_info(in));
  }
  for (const auto& out : g.output()) data.outputs.push_back(out.name());
  if (data.inputs.empty())
    throw OnnxImportError(file.string() + ": the model has no graph input; a network needs one");

  const std::vector<int> order = topological_order(g, defined, file);
  for (int i : order) {
    const onnx::NodeProto& n = g.node(i);
    if (!n.domain().empty() && n.domain() != "ai.onnx")
      throw OnnxImportError(file.string() + ": node '" + n.name() + "' (" + n.op_type() +
                            ") is in domain '" + n.domain() +
                            "', which Netwright does not read; export with the default domain");
    graph::OnnxNode node;
    node.index = static_cast<int>(data.nodes.size());
    node.name = n.name().empty() ? n.op_type() + "_" + std::to_string(i) : n.name();
    node.op = n.op_type();
    node.inputs.assign(n.input().begin(), n.input().end());
    node.outputs.assign(n.output().begin(), n.output().end());
    for (const auto& a : n.attribute()) {
      graph::OnnxAttribute& attr = node.attrs[a.name()] = read_attribute(a);
      if (a.type() != onnx::AttributeProto::TENSOR) continue;
      graph::OnnxConstant c =
          read_tensor_proto(a.t(), file, "node '" + node.name + "' (" + node.op + ")");
      for (int64_t k = 0; k < c.numel(); ++k) attr.floats.push_back(c.at(k));
      if (node.op == "Constant" && a.name() == "value" && n.output_size() == 1)
        data.constants[n.output(0)] = std::move(c);
    }
    if (node.op == "Constant" && n.output_size() == 1 && !data.constants.count(n.output(0))) {
      graph::OnnxConstant c;  // value_float, value_int, value_ints, value_floats
      for (const auto& [key, a] : node.attrs) {
        if (key == "value_float") c.floats = {float(a.f)};
        if (key == "value_floats") c.floats.assign(a.floats.begin(), a.floats.end());
        if (key == "value_int") c.is_int = true, c.ints = {a.i};
        if (key == "value_ints")
          c.is_int = true, c.ints = a.ints, c.dims = {int64_t(a.ints.size())};
        if (key == "value_floats") c.dims = {int64_t(a.floats.size())};
      }
      if (!c.floats.empty() || !c.ints.empty()) data.constants[n.output(0)] = std::move(c);
    }
    data.nodes.push_back(std::move(node));
  }

  infer_shapes(model, data);
  for (const OnnxValueInfo& in : data.inputs)
    for (size_t d = 0; d < in.shape.size(); ++d)
      if (in.shape[d] > (int64_t(1) << 31))
        throw OnnxImportError(file.string() + ": input '" + in.name + "' has dimension " +
                              std::to_string(in.shape[d]) +
                              ", which is absurd; export with the real sample shape");
  return data;
}

}  // namespace nw::interop
