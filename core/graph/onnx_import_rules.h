#pragma once
// The ONNX import rules of the built-in layer types (registry.h, LayerType::onnx_import), one
// function per layer type or family, defined in onnx_import_*.cpp and set on the catalog entries
// in layers_*.cpp. Each rule claims the op pattern PyTorch's exporter (and Netwright's) writes for
// the type and declines anything else, so that an unusual model fails naming the node.
#include <string>
#include <vector>

#include "graph/onnx_import_rule.h"

namespace nw::graph::onnx_import {

using Rules = std::vector<OnnxImportRule>;

// Helpers shared by the rule files.
// An ONNX float attribute (float32) as the short decimal a user would write: 0.899999976 -> 0.9.
double tidy(double x);
// [3, 3] -> 3, [3, 5] -> [3, 5]: the form the catalog's pair parameters take.
ParamValue pair_value(const std::vector<int64_t>& v);
// ONNX pads [begin..., end...] as one padding per axis; nullopt when a side differs.
std::optional<std::vector<int64_t>> symmetric_pads(const OnnxNode& n, size_t axes);

// The mean/variance decomposition of LayerNorm (over the trailing dims) or of a BatchNorm
// without running statistics (over the batch and positions); onnx_import_elementwise.cpp.
bool normalization_decomposition(OnnxImporting& onnx, bool over_batch);

Rules linear();             // Gemm; MatMul (+ Add) with a constant weight
Rules embedding();          // Gather on a constant table
Rules conv(int rank);       // Conv with a rank-3 (Conv1d) or rank-4 (Conv2d) weight
Rules conv_transpose();     // ConvTranspose, 2-d
Rules max_pool();           // MaxPool, 2-d
Rules avg_pool();           // AveragePool, 2-d
Rules adaptive_avg_pool();  // GlobalAveragePool
Rules batch_norm(int sample_rank_min, int sample_rank_max);  // BatchNormalization, inference
Rules layer_norm();  // LayerNormalization; ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div[/Mul/Add]
// Relu, Sigmoid, Tanh, ... : `op` with its float attribute `attr` as the layer's `param`.
Rules simple_activation(const std::string& op, const std::string& type,
                        const std::string& attr = {}, const std::string& param = {});
Rules gelu();  // Gelu; the Erf and Tanh decompositions
Rules silu();  // Sigmoid * x
Rules softmax(const std::string& op, const std::string& type);  // Softmax, LogSoftmax
Rules dropout();                                                // Dropout (inference)
Rules identity();
Rules flatten();                         // Flatten(axis 1); Reshape to (N, -1)
Rules reshape();                         // Reshape to a shape known without running the model
Rules last_step();                       // Gather(axis 1, index -1) on a sequence
Rules add();                             // Add of two computed values
Rules concat();                          // Concat of two computed values
Rules recurrent(const std::string& op);  // LSTM, GRU with PyTorch's batch-first wrappers

}  // namespace nw::graph::onnx_import
