#pragma once
// Float32 convolutions through oneDNN, the library PyTorch runs them with on the CPU, when
// Netwright is built with it (Debian's libdnnl-dev; core/CMakeLists.txt finds it). Its direct
// convolutions do about 30 % fewer cycles than im2col + OpenBLAS on the tutorial CNN's second
// layer, whose GEMMs are too narrow (64 output channels) for OpenBLAS to run at full speed.
//
// Each function returns false, having written nothing, when oneDNN is absent or switched off or
// does not take the case (float64, a geometry it rejects); the caller then runs the im2col path.
// Primitives are built once per shape and thread and kept (per thread) for later calls.
#include "backend/layer_kernels.h"

namespace nw::cpu {

bool onednn_conv_forward(const Tensor& x, const Tensor& w, const Tensor& bias, const Tensor& out,
                         const ConvGeometry& g);
bool onednn_conv_backward_data(const Tensor& grad_out, const Tensor& w, const Tensor& grad_x,
                               const ConvGeometry& g);
bool onednn_conv_backward_weight(const Tensor& grad_out, const Tensor& x, const Tensor& grad_w,
                                 const Tensor& grad_bias, const ConvGeometry& g);

// Whether this build has oneDNN, and a switch (on by default) that sends float32 convolutions
// to the im2col path instead, so tests can check both against PyTorch.
bool onednn_available();
void set_onednn_enabled(bool on);
bool onednn_enabled();

}  // namespace nw::cpu
