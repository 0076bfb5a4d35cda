// Import rules of the shape, merge and regularization layers: Flatten, Reshape, LastStep, Add,
// Concat, Dropout, Identity.
#include "graph/onnx_import_rules.h"

namespace nw::graph::onnx_import {

namespace {

OnnxClaim one_node(const OnnxNode& n, std::string type, std::vector<std::string> inputs,
                   ParamMap params = {}) {
  return {.type = std::move(type),
          .params = std::move(params),
          .inputs = std::move(inputs),
          .outputs = {n.outputs[0]},
          .nodes = {&n}};
}

// Whether every input is a computed tensor with a batch dimension (not a constant or a shape).
bool all_batched(const OnnxImporting& onnx, const OnnxNode& n) {
  for (const std::string& in : n.inputs) {
    const auto s = onnx.shape(in);
    if (in.empty() || onnx.constant(in) || onnx.shape_value(in) || (s && s->size() < 2))
      return false;
  }
  return true;
}

// Reshape's target as a sample shape: the batch entry dropped, 0 entries copied from the input.
bool reshape_rule(OnnxImporting& onnx) {
  const OnnxNode& n = onnx.node();
  if (onnx.constant(n.input(0))) return false;
  const auto target = onnx.shape_value(n.input(1));
  if (!target)
    throw Error("ONNX node '" + n.name + "' (Reshape): its target shape '" + n.input(1) +
                "' is computed at run time (a dynamic shape), where Netwright needs a constant; "
                "export with a fixed reshape, e.g. x.view(x.size(0), 4, 4)");
  const auto in = onnx.shape(n.input(0));
  if (target->empty() || !in) return false;
  const int64_t batch = (*target)[0];
  if (batch != kOnnxBatchDim && batch != 0 && !(in->at(0) > 0 && batch == in->at(0)))
    throw Error("ONNX node '" + n.name + "' (Reshape) changes the batch dimension (target " +
                std::to_string(batch) +
                "); Netwright keeps the batch, export reshapes as "
                "x.view(x.size(0), ...)");
  std::vector<int64_t> sample(target->begin() + 1, target->end());
  const bool allow_zero = n.get_int("allowzero", 0) != 0;
  for (size_t i = 0; i < sample.size(); ++i) {
    if (sample[i] == 0 && !allow_zero) {
      if (i + 1 >= in->size()) return false;
      sample[i] = (*in)[i + 1];
    }
    if (sample[i] < -1 || sample[i] == kOnnxBatchDim) return false;
  }
  if (sample.size() == 1 && in->size() > 2) return onnx.claim(one_node(n, "Flatten", {n.input(0)}));
  return onnx.claim(one_node(n, "Reshape", {n.input(0)}, {{"shape", sample}}));
}

}  // namespace

Rules flatten() {
  return {{{"Flatten"}, [](OnnxImporting& onnx) {
             const OnnxNode& n = onnx.node();
             const auto s = onnx.shape(n.input(0));
             if (n.get_int("axis", 1) != 1 || !s || s->size() < 2 || onnx.constant(n.input(0)))
               return false;
             return onnx.claim(one_node(n, "Flatten", {n.input(0)}));
           }}};
}

Rules reshape() {
  return {{{"Reshape"}, reshape_rule}};
}

Rules last_step() {
  return {{{"Gather"}, [](OnnxImporting& onnx) {
             const OnnxNode& n = onnx.node();
             const auto s = onnx.shape(n.input(0));
             const auto idx = onnx.constant(n.input(1));
             if (!s || s->size() < 3 || n.get_int("axis", 0) != 1 || !idx || !idx->is_int ||
                 !idx->dims.empty() || onnx.constant(n.input(0)))
               return false;
             if (idx->ints[0] != -1 && !((*s)[1] > 0 && idx->ints[0] == (*s)[1] - 1)) return false;
             return onnx.claim(one_node(n, "LastStep", {n.input(0)}));
           }}};
}

Rules add() {
  return {{{"Add"}, [](OnnxImporting& onnx) {
             const OnnxNode& n = onnx.node();
             if (n.inputs.size() != 2 || !all_batched(onnx, n)) return false;
             return onnx.claim(one_node(n, "Add", n.inputs));
           }}};
}

Rules concat() {
  return {{{"Concat"}, [](OnnxImporting& onnx) {
             const OnnxNode& n = onnx.node();
             if (n.inputs.size() != 2 || !all_batched(onnx, n) || onnx.shape_value(n.outputs[0]))
               return false;
             return onnx.claim(one_node(n, "Concat", n.inputs, {{"dim", n.get_int("axis", 1)}}));
           }}};
}

Rules dropout() {
  return {{{"Dropout"}, [](OnnxImporting& onnx) {
             const OnnxNode& n = onnx.node();
             if (onnx.constant(n.input(0))) return false;
             if (n.outputs.size() > 1 && !onnx.consumers(n.outputs[1]).empty()) return false;
             ParamMap params;
             if (!n.input(1).empty()) {
               auto ratio = onnx.constant(n.input(1));
               if (!ratio || ratio->numel() != 1) return false;
               params["p"] = tidy(ratio->at(0));
             }
             return onnx.claim(one_node(n, "Dropout", {n.input(0)}, std::move(params)));
           }}};
}

Rules identity() {
  return {{{"Identity"}, [](OnnxImporting& onnx) {
             const OnnxNode& n = onnx.node();
             if (!all_batched(onnx, n)) return false;
             return onnx.claim(one_node(n, "Identity", {n.input(0)}));
           }}};
}

}  // namespace nw::graph::onnx_import
