#pragma once
// What the convolution layers' registry entries share (layers_convolution.cpp and
// layers_conv_transpose.cpp): their common parameters, the checks their shape rules make, and
// their parameter count. Defined in layers_convolution.cpp.
#include <string>

#include "graph/registry.h"
#include "nn/layers/conv.h"

namespace nw::graph::conv {

nn::Size2 size2(const ParamValue& v);         // 3 or [3, 5]
std::string size_text(int64_t h, int64_t w);  // "3" or "(3, 5)"
// Throws ShapeRuleError unless groups divides in_channels and out_channels.
void check_groups(const ShapeContext& ctx);
// Throws ShapeRuleError naming the wanted form ("(N, C, H, W)") and the fix.
void expect_rank(const SampleShape& s, size_t rank, const std::string& wanted,
                 const std::string& fix);

ParamSpec in_channels();
ParamSpec out_channels();
ParamSpec int_or_pair(std::string name, ParamValue def, std::string description, double min);
ParamSpec groups();
ParamSpec bias();

// Weights and biases of a 2-d convolution or its transpose.
int64_t conv2d_count(const ParamMap& p);

}  // namespace nw::graph::conv
