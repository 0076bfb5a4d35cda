// Import rules of the layers with weights: Linear, Embedding, convolutions, BatchNorm.
#include <cstdio>
#include <string>

#include "graph/onnx_import_rules.h"
#include "tensor/creation.h"

namespace nw::graph::onnx_import {

double tidy(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return std::strtod(buf, nullptr);
}

ParamValue pair_value(const std::vector<int64_t>& v) {
  if (v.size() == 2 && v[0] != v[1]) return ParamValue::array({v[0], v[1]});
  return v.empty() ? ParamValue(0) : ParamValue(v[0]);
}

std::optional<std::vector<int64_t>> symmetric_pads(const OnnxNode& n, size_t axes) {
  const std::string auto_pad = n.get_string("auto_pad", "NOTSET");
  if (auto_pad == "VALID") return std::vector<int64_t>(axes, 0);
  if (auto_pad != "NOTSET") return std::nullopt;
  const std::vector<int64_t> pads = n.get_ints("pads", std::vector<int64_t>(2 * axes, 0));
  if (pads.size() != 2 * axes) return std::nullopt;
  std::vector<int64_t> r;
  for (size_t i = 0; i < axes; ++i) {
    if (pads[i] != pads[i + axes]) return std::nullopt;
    r.push_back(pads[i]);
  }
  return r;
}

namespace {

// (rows, cols) float matrix transposed.
Tensor transposed(const OnnxConstant& c) {
  const int64_t rows = c.dims[0], cols = c.dims[1];
  std::vector<float> t(c.floats.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t k = 0; k < cols; ++k) t[k * rows + r] = c.floats[r * cols + k];
  return from_vector<float>(t, {cols, rows});
}

bool is_float_matrix(const std::optional<OnnxConstant>& c) {
  return c && !c->is_int && c->dims.size() == 2;
}

// A bias of `n` values, or nullopt.
std::optional<OnnxConstant> vector_of(const OnnxImporting& onnx, const std::string& v, int64_t n) {
  auto c = onnx.constant(v);
  if (!c || c->is_int || c->numel() != n) return std::nullopt;
  c->dims = {n};
  return c;
}

bool gemm(OnnxImporting& onnx) {
  const OnnxNode& n = onnx.node();
  auto b = onnx.constant(n.input(1));
  if (!is_float_matrix(b) || onnx.constant(n.input(0)) || n.get_int("transA", 0) != 0 ||
      n.get_float("alpha", 1) != 1 || n.get_float("beta", 1) != 1)
    return false;
  const bool trans_b = n.get_int("transB", 0) != 0;
  const Tensor weight = trans_b ? onnx_tensor(*b) : transposed(*b);
  const int64_t out = weight.size(0);
  OnnxClaim c{.type = "Linear",
              .params = {{"out_features", out}, {"bias", !n.input(2).empty()}},
              .weights = {{"weight", weight}},
              .inputs = {n.input(0)},
              .outputs = {n.outputs[0]},
              .nodes = {&n}};
  if (!n.input(2).empty()) {
    auto bias = vector_of(onnx, n.input(2), out);
    if (!bias) return false;
    c.weights.emplace_back("bias", onnx_tensor(*bias));
  }
  return onnx.claim(std::move(c));
}

// x @ W (W constant (in, out)), and the Add of a constant bias when one follows.
bool matmul(OnnxImporting& onnx) {
  const OnnxNode& n = onnx.node();
  auto w = onnx.constant(n.input(1));
  if (!is_float_matrix(w) || onnx.constant(n.input(0))) return false;
  const int64_t out = w->dims[1];
  OnnxClaim c{.type = "Linear",
              .params = {{"out_features", out}, {"bias", false}},
              .weights = {{"weight", transposed(*w)}},
              .inputs = {n.input(0)},
              .outputs = {n.outputs[0]},
              .nodes = {&n}};
  if (const OnnxNode* add = onnx_sole_consumer(onnx, n.outputs[0]); add && add->op == "Add") {
    const std::string other = add->input(0) == n.outputs[0] ? add->input(1) : add->input(0);
    if (auto bias = vector_of(onnx, other, out)) {
      c.params["bias"] = true;
      c.weights.emplace_back("bias", onnx_tensor(*bias));
      c.outputs = {add->outputs[0]};
      c.nodes.push_back(add);
    }
  }
  return onnx.claim(std::move(c));
}

// PyTorch's padding="same" with an even window pads one more at the end than at the start
// (stride 1): SAME_UPPER, or pads that split dilation * (kernel - 1) that way.
bool is_same_padding(const OnnxNode& n, const std::vector<int64_t>& kernel,
                     const std::vector<int64_t>& strides, const std::vector<int64_t>& dilations) {
  const size_t axes = kernel.size();
  if (strides != std::vector<int64_t>(axes, 1) || dilations.size() != axes) return false;
  if (n.get_string("auto_pad", "NOTSET") == "SAME_UPPER") return true;
  const auto pads = n.get_ints("pads", {});
  if (pads.size() != 2 * axes || n.get_string("auto_pad", "NOTSET") != "NOTSET") return false;
  for (size_t i = 0; i < axes; ++i) {
    const int64_t total = dilations[i] * (kernel[i] - 1);
    if (pads[i] != total / 2 || pads[i + axes] != total - total / 2) return false;
  }
  return true;
}

bool conv_rule(OnnxImporting& onnx, int rank) {
  const OnnxNode& n = onnx.node();
  auto w = onnx.constant(n.input(1));
  if (!w || w->is_int || static_cast<int>(w->dims.size()) != rank || onnx.constant(n.input(0)))
    return false;
  const size_t axes = rank - 2;
  const std::vector<int64_t> kernel(w->dims.begin() + 2, w->dims.end());
  const auto strides = n.get_ints("strides", std::vector<int64_t>(axes, 1));
  const auto dilations = n.get_ints("dilations", std::vector<int64_t>(axes, 1));
  const bool same = is_same_padding(n, kernel, strides, dilations);
  const auto pads = symmetric_pads(n, axes);
  if ((!pads && !same) || n.get_ints("kernel_shape", kernel) != kernel) return false;
  const int64_t out = w->dims[0];
  auto value = [&](const std::vector<int64_t>& v) {
    return axes == 1 ? ParamValue(v[0]) : pair_value(v);
  };
  OnnxClaim c{.type = rank == 3 ? "Conv1d" : "Conv2d",
              .params = {{"out_channels", out},
                         {"kernel_size", value(kernel)},
                         {"stride", value(strides)},
                         {"padding", same && !pads ? ParamValue("same") : value(*pads)},
                         {"dilation", value(dilations)},
                         {"groups", n.get_int("group", 1)},
                         {"bias", !n.input(2).empty()}},
              .weights = {{"weight", onnx_tensor(*w)}},
              .inputs = {n.input(0)},
              .outputs = {n.outputs[0]},
              .nodes = {&n}};
  if (!n.input(2).empty()) {
    auto bias = vector_of(onnx, n.input(2), out);
    if (!bias) return false;
    c.weights.emplace_back("bias", onnx_tensor(*bias));
  }
  return onnx.claim(std::move(c));
}

bool conv_transpose_rule(OnnxImporting& onnx) {
  const OnnxNode& n = onnx.node();
  auto w = onnx.constant(n.input(1));
  if (!w || w->is_int || w->dims.size() != 4 || onnx.constant(n.input(0)) || n.has("output_shape"))
    return false;
  const auto pads = symmetric_pads(n, 2);
  const std::vector<int64_t> kernel(w->dims.begin() + 2, w->dims.end());
  if (!pads || n.get_ints("kernel_shape", kernel) != kernel) return false;
  const int64_t groups = n.get_int("group", 1), out = w->dims[1] * groups;
  OnnxClaim c{.type = "ConvTranspose2d",
              .params = {{"out_channels", out},
                         {"kernel_size", pair_value(kernel)},
                         {"stride", pair_value(n.get_ints("strides", {1, 1}))},
                         {"padding", pair_value(*pads)},
                         {"output_padding", pair_value(n.get_ints("output_padding", {0, 0}))},
                         {"dilation", pair_value(n.get_ints("dilations", {1, 1}))},
                         {"groups", groups},
                         {"bias", !n.input(2).empty()}},
              .weights = {{"weight", onnx_tensor(*w)}},
              .inputs = {n.input(0)},
              .outputs = {n.outputs[0]},
              .nodes = {&n}};
  if (!n.input(2).empty()) {
    auto bias = vector_of(onnx, n.input(2), out);
    if (!bias) return false;
    c.weights.emplace_back("bias", onnx_tensor(*bias));
  }
  return onnx.claim(std::move(c));
}

bool batch_norm_rule(OnnxImporting& onnx, int rank_min, int rank_max) {
  const OnnxNode& n = onnx.node();
  const auto s = onnx.shape(n.input(0));
  if (!s || static_cast<int>(s->size()) - 1 < rank_min ||
      static_cast<int>(s->size()) - 1 > rank_max || n.get_int("training_mode", 0) != 0)
    return false;
  for (size_t k = 1; k < n.outputs.size(); ++k)
    if (!onnx.consumers(n.outputs[k]).empty()) return false;
  const int64_t features = (*s)[1];
  const char* names[] = {"weight", "bias", "running_mean", "running_var"};
  OnnxClaim c{.type = s->size() == 4 ? "BatchNorm2d" : "BatchNorm1d",
              .params = {{"eps", tidy(n.get_float("epsilon", 1e-5))},
                         {"momentum", tidy(1 - n.get_float("momentum", 0.9))}},
              .inputs = {n.input(0)},
              .outputs = {n.outputs[0]},
              .nodes = {&n}};
  for (int k = 0; k < 4; ++k) {
    auto v = vector_of(onnx, n.input(k + 1), features);
    if (!v) return false;
    c.weights.emplace_back(names[k], onnx_tensor(*v));
  }
  return onnx.claim(std::move(c));
}

}  // namespace

Rules linear() {
  return {{{"Gemm"}, gemm}, {{"MatMul"}, matmul}};
}

Rules embedding() {
  return {{{"Gather"}, [](OnnxImporting& onnx) {
             const OnnxNode& n = onnx.node();
             auto table = onnx.constant(n.input(0));
             if (!is_float_matrix(table) || n.get_int("axis", 0) != 0 || onnx.constant(n.input(1)))
               return false;
             return onnx.claim(
                 {.type = "Embedding",
                  .params = {{"num_embeddings", table->dims[0]}, {"embedding_dim", table->dims[1]}},
                  .weights = {{"weight", onnx_tensor(*table)}},
                  .inputs = {n.input(1)},
                  .outputs = {n.outputs[0]},
                  .nodes = {&n}});
           }}};
}

Rules conv(int rank) {
  return {{{"Conv"}, [rank](OnnxImporting& onnx) { return conv_rule(onnx, rank); }}};
}
Rules conv_transpose() {
  return {{{"ConvTranspose"}, conv_transpose_rule}};
}
Rules batch_norm(int sample_rank_min, int sample_rank_max) {
  return {{{"BatchNormalization"},
           [=](OnnxImporting& onnx) {
             return batch_norm_rule(onnx, sample_rank_min, sample_rank_max);
           }},
          {{"ReduceMean"}, [=](OnnxImporting& onnx) {
             const auto s = onnx.shape(onnx.node().input(0));
             const int rank = s ? static_cast<int>(s->size()) - 1 : -1;
             return rank >= sample_rank_min && rank <= sample_rank_max &&
                    normalization_decomposition(onnx, /*over_batch=*/true);
           }}};
}

}  // namespace nw::graph::onnx_import
