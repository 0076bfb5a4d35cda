#pragma once
// The built-in layer types' ONNX export rules (LayerType::onnx_export), one file per category
// (<category>_onnx.cpp), set on their entries in layers_<category>.cpp. Internal to core/graph.
#include "graph/onnx_export_rule.h"

namespace nw::graph::onnx_rules {

void input(OnnxExporting& onnx);      // the graph input
void linear(OnnxExporting& onnx);     // Gemm, or MatMul + Add beyond 2-d
void embedding(OnnxExporting& onnx);  // Gather

void conv(OnnxExporting& onnx);            // Conv1d and Conv2d: Conv
void conv_transpose(OnnxExporting& onnx);  // ConvTranspose

void max_pool(OnnxExporting& onnx);           // MaxPool
void avg_pool(OnnxExporting& onnx);           // AveragePool (and a Mul for divisor_override)
void adaptive_avg_pool(OnnxExporting& onnx);  // GlobalAveragePool or AveragePool

void batch_norm(OnnxExporting& onnx);  // BatchNormalization, inference form
void layer_norm(OnnxExporting& onnx);  // LayerNormalization

void lstm(OnnxExporting& onnx);  // one ONNX LSTM per layer
void gru(OnnxExporting& onnx);   // one ONNX GRU per layer

// Activations, one ONNX op each unless opset 17 lacks it (GELU, SiLU).
OnnxExportRule unary(std::string op, OnnxAttributes attributes = {});
void leaky_relu(OnnxExporting& onnx);
void elu(OnnxExporting& onnx);
void gelu(OnnxExporting& onnx);
void silu(OnnxExporting& onnx);
void softmax(OnnxExporting& onnx);
void log_softmax(OnnxExporting& onnx);

void identity(OnnxExporting& onnx);   // Identity, Dropout and Dropout2d (inference)
void flatten(OnnxExporting& onnx);    // Flatten, or Reshape for inner dims
void reshape(OnnxExporting& onnx);    // Reshape, Unflatten: Reshape to (0, *sample)
void last_step(OnnxExporting& onnx);  // Gather of index -1 on the time axis
void add(OnnxExporting& onnx);
void concat(OnnxExporting& onnx);

}  // namespace nw::graph::onnx_rules
