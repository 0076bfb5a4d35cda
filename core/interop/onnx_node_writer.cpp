#include "interop/onnx_node_writer.h"

#include <cstring>

namespace nw::interop {

namespace {

std::string quoted(const std::string& s) {
  return "'" + s + "'";
}

void set_attribute(onnx::AttributeProto& a, const graph::OnnxAttributeValue& value) {
  using onnx::AttributeProto;
  if (const auto* i = std::get_if<int64_t>(&value)) {
    a.set_type(AttributeProto::INT);
    a.set_i(*i);
  } else if (const auto* f = std::get_if<double>(&value)) {
    a.set_type(AttributeProto::FLOAT);
    a.set_f(static_cast<float>(*f));
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    a.set_type(AttributeProto::STRING);
    a.set_s(*s);
  } else if (const auto* is = std::get_if<std::vector<int64_t>>(&value)) {
    a.set_type(AttributeProto::INTS);
    for (int64_t v : *is) a.add_ints(v);
  } else {
    a.set_type(AttributeProto::FLOATS);
    for (double v : std::get<std::vector<double>>(value)) a.add_floats(static_cast<float>(v));
  }
}

}  // namespace

void set_tensor_type(onnx::ValueInfoProto& value, int elem_type, const graph::SampleShape& sample) {
  auto* tensor = value.mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(elem_type);
  auto* shape = tensor->mutable_shape();
  shape->add_dim()->set_dim_param("N");
  for (int64_t d : sample) shape->add_dim()->set_dim_value(d);
}

OnnxNodeWriter::OnnxNodeWriter(OnnxGraphState& state, const graph::Node& node,
                               const graph::NodeInfo& info, std::vector<std::string> inputs)
    : state_(state), node_(node), info_(info), inputs_(std::move(inputs)) {}

void OnnxNodeWriter::fail(const std::string& what) const {
  throw Error("node '" + node_.id + "' (" + node_.type + "): " + what);
}

std::vector<std::string> OnnxNodeWriter::write(const graph::LayerType& type, bool graph_output) {
  first_node_ = state_.graph->node_size();
  outputs_.assign(type.outputs.size(), std::string());
  try {
    type.onnx_export(*this);
  } catch (const graph::OnnxExportError& e) {
    fail(e.what());
  }
  for (size_t port = 0; port < outputs_.size(); ++port)
    if (outputs_[port].empty())
      fail("its export rule gives no ONNX value for output port " + std::to_string(port) + " (" +
           type.outputs[port].name + "); this is a bug in its registry entry");
  if (graph_output) name_output_after_node(outputs_[0]);
  return outputs_;
}

// The graph output carries the node id as its name: the value of port 0 is renamed where this
// node's ONNX nodes make or read it, or passed through an Identity when they do not make it.
void OnnxNodeWriter::name_output_after_node(std::string& value) {
  auto* nodes = state_.graph->mutable_node();
  bool made_here = false;
  for (int i = first_node_; i < nodes->size(); ++i)
    for (auto& out : *(*nodes)[i].mutable_output()) made_here |= out == value;
  if (!made_here)
    value = add_node("Identity", {value}, {}, nodes->size() == first_node_ ? "" : "output");
  claim_value(node_.id);
  for (int i = first_node_; i < nodes->size(); ++i) {
    for (auto& out : *(*nodes)[i].mutable_output())
      if (out == value) out = node_.id;
    for (auto& in : *(*nodes)[i].mutable_input())
      if (in == value) in = node_.id;
  }
  value = node_.id;
}

const std::string& OnnxNodeWriter::input(int port) const {
  if (port < 0 || static_cast<size_t>(port) >= inputs_.size())
    fail("its export rule reads input port " + std::to_string(port) + ", which it does not have");
  return inputs_[static_cast<size_t>(port)];
}

bool OnnxNodeWriter::has_weight(const std::string& suffix) const {
  return state_.weights.count(node_.id + "." + suffix) > 0;
}

Tensor OnnxNodeWriter::weight(const std::string& suffix) const {
  auto it = state_.weights.find(node_.id + "." + suffix);
  if (it == state_.weights.end())
    fail("the weights have no " + quoted(node_.id + "." + suffix) +
         "; export from a checkpoint of this project");
  return it->second.cpu().to(kFloat32).contiguous();
}

std::string OnnxNodeWriter::claim_value(const std::string& name) {
  if (!state_.value_names.insert(name).second)
    fail("two ONNX values would be named " + quoted(name) +
         "; rename the node whose id clashes with it");
  return name;
}

std::vector<std::string> OnnxNodeWriter::add_nodes(const std::string& op,
                                                   const std::vector<std::string>& inputs,
                                                   int outputs,
                                                   const graph::OnnxAttributes& attributes,
                                                   const std::string& what) {
  const std::string name = what.empty() ? node_.id : node_.id + "/" + what;
  if (!state_.node_names.insert(name).second)
    fail("its export rule writes two ONNX nodes named " + quoted(name) +
         "; this is a bug in its registry entry");
  onnx::NodeProto* n = state_.graph->add_node();
  n->set_name(name);
  n->set_op_type(op);
  for (const std::string& in : inputs) n->add_input(in);
  std::vector<std::string> made;
  for (int k = 0; k < outputs; ++k) {
    made.push_back(claim_value(name + ":" + std::to_string(k)));
    n->add_output(made.back());
  }
  for (const auto& [key, value] : attributes) {
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(key);
    set_attribute(*a, value);
  }
  return made;
}

onnx::TensorProto* OnnxNodeWriter::add_initializer(const std::string& name,
                                                   const std::vector<int64_t>& dims,
                                                   size_t values) {
  size_t count = 1;
  for (int64_t d : dims) count *= static_cast<size_t>(d);
  if (count != values)
    fail("its export rule gives " + std::to_string(values) + " values for " + quoted(name) +
         ", whose shape holds " + std::to_string(count) + "; this is a bug in its registry entry");
  onnx::TensorProto* t = state_.graph->add_initializer();
  t->set_name(claim_value(name));
  for (int64_t d : dims) t->add_dims(d);
  return t;
}

std::string OnnxNodeWriter::add_tensor(const std::string& name, const Tensor& value) {
  const Tensor v = value.cpu().to(kFloat32).contiguous();
  const Shape& shape = v.sizes();
  onnx::TensorProto* t = add_initializer(node_.id + "." + name, {shape.begin(), shape.end()},
                                         static_cast<size_t>(v.numel()));
  t->set_data_type(onnx::TensorProto::FLOAT);
  // raw_data is little-endian, as this machine's floats are.
  t->set_raw_data(v.data_ptr<float>(), static_cast<size_t>(v.numel()) * sizeof(float));
  return t->name();
}

std::string OnnxNodeWriter::add_weight(const std::string& suffix) {
  return add_tensor(suffix, weight(suffix));
}

std::string OnnxNodeWriter::add_int64s(const std::string& what, const std::vector<int64_t>& values,
                                       const std::vector<int64_t>& dims) {
  std::vector<int64_t> shape = dims;
  if (shape.empty() && values.size() != 1) shape = {static_cast<int64_t>(values.size())};
  onnx::TensorProto* t = add_initializer(node_.id + "/" + what, shape, values.size());
  t->set_data_type(onnx::TensorProto::INT64);
  for (int64_t v : values) t->add_int64_data(v);
  return t->name();
}

std::string OnnxNodeWriter::add_floats(const std::string& what, const std::vector<float>& values,
                                       const std::vector<int64_t>& dims) {
  std::vector<int64_t> shape = dims;
  if (shape.empty() && values.size() != 1) shape = {static_cast<int64_t>(values.size())};
  onnx::TensorProto* t = add_initializer(node_.id + "/" + what, shape, values.size());
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (float v : values) t->add_float_data(v);
  return t->name();
}

void OnnxNodeWriter::set_output(int port, const std::string& value) {
  if (port < 0 || static_cast<size_t>(port) >= outputs_.size())
    fail("its export rule sets output port " + std::to_string(port) + ", which it does not have");
  outputs_[static_cast<size_t>(port)] = value;
}

std::string OnnxNodeWriter::add_graph_input(const graph::SampleShape& sample) {
  onnx::ValueInfoProto* in = state_.graph->add_input();
  in->set_name(claim_value(node_.id));
  set_tensor_type(*in, onnx::TensorProto::FLOAT, sample);
  return in->name();
}

std::string OnnxNodeWriter::int64_input(int port) {
  const std::string& value = input(port);
  for (auto& in : *state_.graph->mutable_input())
    if (in.name() == value) {
      in.mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::INT64);
      return value;
    }
  return add_node("Cast", {value}, {{"to", int64_t(onnx::TensorProto::INT64)}}, "indices");
}

}  // namespace nw::interop
