// Import rules of the pooling layers: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d.
#include <cmath>

#include "graph/onnx_import_rules.h"

namespace nw::graph::onnx_import {

namespace {

// PyTorch's output size of a window along one axis (ceil_mode drops a last window that would
// start in the padding).
int64_t pool_out(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d, bool ceil) {
  const int64_t span = in + 2 * p - d * (k - 1) - 1;
  int64_t out = (ceil ? (span + s - 1) / s : span / s) + 1;
  if (ceil && (out - 1) * s >= in + p) --out;
  return out;
}

// Netwright writes ceil_mode as pads larger at the start than at the end: the padding is the
// start's when PyTorch's ceil_mode output size with it is what ONNX computes.
std::optional<std::vector<int64_t>> ceil_mode_pads(const OnnxImporting& onnx, const OnnxNode& n,
                                                   const std::vector<int64_t>& kernel,
                                                   const std::vector<int64_t>& strides,
                                                   const std::vector<int64_t>& dilations) {
  const auto in = onnx.shape(n.input(0)), out = onnx.shape(n.outputs[0]);
  const auto raw = n.get_ints("pads", {});
  if (!in || !out || in->size() != 4 || out->size() != 4 || raw.size() != 4 || kernel.size() != 2 ||
      strides.size() != 2 || dilations.size() != 2)
    return std::nullopt;
  for (size_t a = 0; a < 2; ++a)
    if (raw[a + 2] > raw[a] ||
        pool_out((*in)[a + 2], kernel[a], strides[a], raw[a], dilations[a], true) != (*out)[a + 2])
      return std::nullopt;
  return std::vector<int64_t>{raw[0], raw[1]};
}

// The zero padding of a Pad node before an AveragePool, as PyTorch 1.x exports AvgPool2d: the
// same on both sides of H and W, nothing on N and C.
std::optional<std::vector<int64_t>> zero_pad(const OnnxImporting& onnx, const OnnxNode& pad) {
  const auto pads = onnx.constant(pad.input(1));
  if (pad.get_string("mode", "constant") != "constant" || !pads || !pads->is_int ||
      pads->ints.size() != 8 || (!pad.input(2).empty() && !onnx.is_zeros(pad.input(2))))
    return std::nullopt;
  const auto& p = pads->ints;
  if (p[0] || p[1] || p[4] || p[5] || p[2] != p[6] || p[3] != p[7]) return std::nullopt;
  return std::vector<int64_t>{p[2], p[3]};
}

// MaxPool / AveragePool `n` over (N, C, H, W) with one used output; Netwright writes an
// AvgPool2d's divisor_override as a Mul after the pool, PyTorch 1.x its padding as a Pad before.
bool pool_rule(OnnxImporting& onnx, const OnnxNode& n, bool max, const OnnxNode* pad = nullptr) {
  const auto kernel = n.get_ints("kernel_shape", {});
  const auto strides = n.get_ints("strides", {1, 1});
  const auto dilations = n.get_ints("dilations", {1, 1});
  auto pads = symmetric_pads(n, 2);
  bool ceil = n.get_int("ceil_mode", 0) != 0;
  if (!pads && !ceil && (pads = ceil_mode_pads(onnx, n, kernel, strides, dilations))) ceil = true;
  if (kernel.size() != 2 || !pads) return false;
  if (pad) {
    if (*pads != std::vector<int64_t>{0, 0} || !(pads = zero_pad(onnx, *pad))) return false;
  }
  if (n.outputs.size() > 1 && !onnx.consumers(n.outputs[1]).empty()) return false;
  OnnxClaim c{.type = max ? "MaxPool2d" : "AvgPool2d",
              .params = {{"kernel_size", pair_value(kernel)},
                         {"stride", pair_value(strides)},
                         {"padding", pair_value(*pads)},
                         {"ceil_mode", ceil}},
              .inputs = {pad ? pad->input(0) : n.input(0)},
              .outputs = {n.outputs[0]},
              .nodes = {&n}};
  if (pad) c.nodes.insert(c.nodes.begin(), pad);
  if (max) {
    c.params["dilation"] = pair_value(dilations);
    return onnx.claim(std::move(c));
  }
  c.params["count_include_pad"] = pad || n.get_int("count_include_pad", 0) != 0;
  const OnnxNode* mul = onnx_sole_consumer(onnx, n.outputs[0]);
  const auto scale = mul && mul->op == "Mul" ? onnx.constant(mul->input(1)) : std::nullopt;
  if (scale && scale->numel() == 1 && mul->input(0) == n.outputs[0] && scale->at(0) > 0) {
    const double divisor = double(kernel[0] * kernel[1]) / scale->at(0);
    if (std::abs(divisor - std::round(divisor)) < 1e-3) {
      c.params["divisor_override"] = static_cast<int64_t>(std::round(divisor));
      c.outputs = {mul->outputs[0]};
      c.nodes.push_back(mul);
    }
  }
  return onnx.claim(std::move(c));
}

}  // namespace

Rules max_pool() {
  return {{{"MaxPool"}, [](OnnxImporting& onnx) { return pool_rule(onnx, onnx.node(), true); }}};
}
Rules avg_pool() {
  return {
      {{"AveragePool"}, [](OnnxImporting& onnx) { return pool_rule(onnx, onnx.node(), false); }},
      {{"Pad"}, [](OnnxImporting& onnx) {
         const OnnxNode* pool = onnx_sole_consumer(onnx, onnx.node().outputs[0]);
         return pool && pool->op == "AveragePool" && pool->input(0) == onnx.node().outputs[0] &&
                pool_rule(onnx, *pool, false, &onnx.node());
       }}};
}
Rules adaptive_avg_pool() {
  return {{{"GlobalAveragePool"}, [](OnnxImporting& onnx) {
             const OnnxNode& n = onnx.node();
             const auto s = onnx.shape(n.input(0));
             if (!s || s->size() != 4) return false;
             return onnx.claim({.type = "AdaptiveAvgPool2d",
                                .params = {{"output_size", 1}},
                                .inputs = {n.input(0)},
                                .outputs = {n.outputs[0]},
                                .nodes = {&n}});
           }}};
}

}  // namespace nw::graph::onnx_import
