#pragma once
// The built-in entries, one function per category file (layers_<category>.cpp). Internal to
// core/graph: the registry calls register_builtin_layers once.
#include "graph/registry.h"

namespace nw::graph {

void register_builtin_layers(Registry& r);

void register_input_layers(Registry& r);           // Input
void register_linear_layers(Registry& r);          // Linear, Embedding
void register_convolution_layers(Registry& r);     // Conv1d, Conv2d, ConvTranspose2d
void register_conv_transpose_layer(Registry& r);   // ConvTranspose2d (from the one above)
void register_pooling_layers(Registry& r);         // MaxPool2d, AvgPool2d, AdaptiveAvgPool2d
void register_normalization_layers(Registry& r);   // BatchNorm1d, BatchNorm2d, LayerNorm
void register_recurrent_layers(Registry& r);       // LSTM, GRU
void register_activation_layers(Registry& r);      // ReLU, ..., Softmax, LogSoftmax
void register_regularization_layers(Registry& r);  // Dropout, Dropout2d
void register_shape_layers(Registry& r);  // Flatten, Unflatten, Reshape, LastStep, Identity
void register_merge_layers(Registry& r);  // Add, Concat

}  // namespace nw::graph
