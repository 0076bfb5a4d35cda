#pragma once
// The layer uses the registry tests share (tst_registry, tst_param_count): a typical use of every
// type, then variations of the parameters that change a type's parameter count, each with the
// input sample shapes that complete its inferred parameters.
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "graph/registry.h"

namespace nw::graph::testing {

struct LayerCase {
  const char* type;
  const char* params;  // JSON object: the pinned values
  const char* inputs;  // JSON list of sample shapes
};

// The first case of each type is its typical use.
inline const std::vector<LayerCase>& layer_cases() {
  static const std::vector<LayerCase> c = {
      {"Linear", R"({"out_features": 10})", "[[784]]"},
      {"Linear", R"({"out_features": 3, "bias": false})", "[[5, 20]]"},
      {"Embedding", R"({"num_embeddings": 50, "embedding_dim": 8})", "[[7]]"},
      {"Embedding", R"({"num_embeddings": 50, "embedding_dim": 4, "padding_idx": 0})", "[[2, 3]]"},
      {"Conv1d", R"({"out_channels": 4, "kernel_size": 3})", "[[2, 16]]"},
      {"Conv1d", R"({"out_channels": 4, "kernel_size": 3, "padding": "same"})", "[[2, 9]]"},
      {"Conv1d", R"({"out_channels": 6, "kernel_size": 3, "stride": 2, "dilation": 2,
                     "padding": 1, "groups": 2})",
       "[[4, 17]]"},
      {"Conv2d", R"({"out_channels": 8, "kernel_size": 3})", "[[1, 28, 28]]"},
      {"Conv2d", R"({"out_channels": 8.0, "kernel_size": [3.0, 3.0]})", "[[1, 10, 10]]"},
      {"Conv2d", R"({"out_channels": 4, "kernel_size": [3, 5], "stride": [2, 1],
                     "padding": [1, 2], "dilation": [1, 2], "groups": 2})",
       "[[4, 12, 11]]"},
      {"Conv2d", R"({"out_channels": 2, "kernel_size": 4, "padding": "same"})", "[[3, 7, 6]]"},
      {"Conv2d", R"({"out_channels": 2, "kernel_size": 2, "padding": "valid"})", "[[3, 5, 5]]"},
      {"ConvTranspose2d", R"({"out_channels": 3, "kernel_size": 3, "stride": 2, "padding": 1,
                              "output_padding": 1})",
       "[[4, 7, 7]]"},
      {"ConvTranspose2d", R"({"out_channels": 2, "kernel_size": [2, 3], "dilation": 2})",
       "[[2, 5, 4]]"},
      {"MaxPool2d", R"({"kernel_size": 2})", "[[3, 28, 28]]"},
      {"MaxPool2d", R"({"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": true})",
       "[[2, 7, 8]]"},
      {"MaxPool2d", R"({"kernel_size": [2, 3], "dilation": 2, "stride": 1})", "[[1, 9, 9]]"},
      {"AvgPool2d", R"({"kernel_size": 2})", "[[3, 9, 9]]"},
      {"AvgPool2d", R"({"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": true,
                        "count_include_pad": false, "divisor_override": 4})",
       "[[2, 7, 8]]"},
      {"AdaptiveAvgPool2d", R"({"output_size": [2, 3]})", "[[3, 7, 9]]"},
      {"AdaptiveAvgPool2d", R"({"output_size": 1})", "[[5, 4, 4]]"},
      {"BatchNorm1d", "{}", "[[16]]"},
      {"BatchNorm1d", R"({"momentum": null, "affine": false})", "[[4, 10]]"},
      {"BatchNorm2d", "{}", "[[3, 5, 5]]"},
      {"LayerNorm", "{}", "[[5, 10]]"},
      {"LayerNorm", R"({"normalized_shape": [5, 10], "elementwise_affine": false})", "[[5, 10]]"},
      {"LSTM", R"({"hidden_size": 12})", "[[6, 5]]"},
      {"LSTM", R"({"hidden_size": 8, "num_layers": 2, "dropout": 0.1})", "[[4, 3]]"},
      {"GRU", R"({"hidden_size": 7, "num_layers": 3, "bias": false})", "[[4, 3]]"},
      {"ReLU", "{}", "[[3, 4]]"},
      {"LeakyReLU", R"({"negative_slope": 0.2})", "[[3, 4]]"},
      {"ELU", "{}", "[[6]]"},
      {"GELU", R"({"approximate": "tanh"})", "[[2, 3, 4]]"},
      {"SiLU", "{}", "[[6]]"},
      {"Sigmoid", "{}", "[[6]]"},
      {"Tanh", "{}", "[[6]]"},
      {"Softmax", "{}", "[[10]]"},
      {"Softmax", R"({"dim": -1})", "[[3, 4]]"},
      {"LogSoftmax", R"({"dim": 2})", "[[3, 4]]"},
      {"Dropout", R"({"p": 0.3})", "[[10]]"},
      {"Dropout2d", "{}", "[[3, 4, 4]]"},
      {"Flatten", "{}", "[[1, 28, 28]]"},
      {"Flatten", R"({"start_dim": 2})", "[[3, 4, 5]]"},
      {"Flatten", R"({"start_dim": 1, "end_dim": -2})", "[[3, 4, 5]]"},
      {"Unflatten", R"({"dim": 1, "unflattened_size": [1, 28, 28]})", "[[784]]"},
      {"Unflatten", R"({"dim": -1, "unflattened_size": [2, 3]})", "[[4, 6]]"},
      {"Reshape", R"({"shape": [-1, 7]})", "[[28, 2]]"},
      {"Reshape", R"({"shape": [4, 7]})", "[[28]]"},
      {"LastStep", "{}", "[[6, 5]]"},
      {"Identity", "{}", "[[3]]"},
      {"Add", "{}", "[[3, 4], [3, 4]]"},
      {"Add", "{}", "[[3, 1], [1, 4]]"},
      {"Concat", "{}", "[[3, 4], [5, 4]]"},
      {"Concat", R"({"dim": -1})", "[[3, 4], [3, 2]]"},
      // Variations that change the parameter count.
      {"Conv1d", R"({"out_channels": 6, "kernel_size": 5, "groups": 2, "bias": false})",
       "[[4, 17]]"},
      {"Conv2d", R"({"out_channels": 4, "kernel_size": [3, 5], "groups": 2})", "[[6, 12, 11]]"},
      {"Conv2d", R"({"out_channels": 6, "kernel_size": 2, "bias": false, "padding": "same"})",
       "[[3, 7, 6]]"},
      {"ConvTranspose2d", R"({"out_channels": 3, "kernel_size": 3})", "[[4, 7, 7]]"},
      // in 4, out 6, groups 2: weight (in, out / groups, kh, kw) = (4, 3, 2, 3).
      {"ConvTranspose2d", R"({"out_channels": 6, "kernel_size": [2, 3], "groups": 2})",
       "[[4, 5, 4]]"},
      {"ConvTranspose2d", R"({"out_channels": 2, "kernel_size": 4, "bias": false, "stride": 2})",
       "[[5, 3, 3]]"},
      {"BatchNorm2d", R"({"affine": false, "track_running_stats": false})", "[[3, 5, 5]]"},
      {"LayerNorm", R"({"normalized_shape": [5, 10]})", "[[5, 10]]"},
      {"LayerNorm", R"({"elementwise_affine": false})", "[[5, 10]]"},
      {"LSTM", R"({"hidden_size": 7, "num_layers": 3, "bias": false})", "[[4, 9]]"},
      {"GRU", R"({"hidden_size": 12})", "[[6, 5]]"},
      {"GRU", R"({"hidden_size": 8, "num_layers": 2})", "[[4, 3]]"},
      {"GRU", R"({"hidden_size": 7, "num_layers": 3, "bias": false})", "[[4, 9]]"},
      {"LeakyReLU", "{}", "[[3, 4]]"},
      {"GELU", "{}", "[[2, 3, 4]]"},
      {"LogSoftmax", "{}", "[[10]]"},
      {"Dropout", "{}", "[[10]]"},
  };
  return c;
}

inline const LayerType& type_of(const std::string& name) {
  const LayerType* t = Registry::instance().find(name);
  if (!t) throw std::runtime_error("no layer type " + name);
  return *t;
}

// A shape context as the validator builds it: defaults overlaid with the pinned values.
inline ShapeContext shape_context(const LayerType& t, const nlohmann::json& pinned,
                                  const std::vector<SampleShape>& inputs) {
  ShapeContext ctx;
  ctx.inputs = inputs;
  for (const ParamSpec& p : t.params) ctx.params[p.name] = p.default_value;
  for (const auto& [name, value] : pinned.items()) {
    ctx.params[name] = value;
    ctx.pinned.push_back(name);
  }
  return ctx;
}

// The complete parameters, as the analysis makes them: the shape rule fills in the inferred ones.
inline ParamMap complete_params(const LayerCase& c) {
  const LayerType& t = type_of(c.type);
  const nlohmann::json pinned = nlohmann::json::parse(c.params);
  ShapeContext ctx =
      shape_context(t, pinned, nlohmann::json::parse(c.inputs).get<std::vector<SampleShape>>());
  t.shape(ctx);
  return ctx.params;
}

}  // namespace nw::graph::testing
