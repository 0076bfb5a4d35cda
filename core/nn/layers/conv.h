#pragma once
// Convolution layers, as torch.nn.Conv1d, Conv2d and ConvTranspose2d: the same constructor
// parameters and defaults, the same weight layouts and the same default initialisation
// (kaiming_uniform_ with a = sqrt(5) for the weight, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the
// bias), so a fresh network trains like a fresh PyTorch one. Padding is zeros.
#include "nn/functional/window.h"
#include "nn/module.h"

namespace nw::nn {

using functional::Padding;
using functional::Size2;

// What the three layers share: channels, window, parameters, init and the printed form.
class ConvBase : public Module {
 public:
  using Module::forward;
  int64_t in_channels() const { return in_channels_; }
  int64_t out_channels() const { return out_channels_; }
  int64_t groups() const { return groups_; }
  // "1, 32, kernel_size=(3, 3), stride=(1, 1)", then what differs from the defaults.
  std::string extra_repr() const override;
  // Draws the weight and bias again, as PyTorch's reset_parameters.
  void reset_parameters();

  Tensor weight;  // (out, in/groups, kH, kW); transposed: (in, out/groups, kH, kW)
  Tensor bias;    // (out,) or undefined when built with bias = false

 protected:
  struct Spec {
    int64_t in_channels, out_channels;
    Shape kernel_size, stride, padding, dilation, output_padding;  // one entry per spatial dim
    std::string padding_mode;  // "same" / "valid" when padding was given as a word
    int64_t groups;
    bool bias, transposed;
  };
  ConvBase(const std::string& type, Spec spec);
  Padding padding_arg() const;  // padding as the functional ops take it

  int64_t in_channels_, out_channels_, groups_;
  Shape kernel_size_, stride_, padding_, dilation_, output_padding_;
  std::string padding_mode_;
};

// x: (N, in_channels, L) or (in_channels, L). weight: (out_channels, in_channels/groups, k).
class Conv1d : public ConvBase {
 public:
  Conv1d(int64_t in_channels, int64_t out_channels, int64_t kernel_size, int64_t stride = 1,
         Padding padding = 0, int64_t dilation = 1, int64_t groups = 1, bool bias = true);
  Tensor forward(const Tensor& x) override;
};

// x: (N, in_channels, H, W) or (in_channels, H, W). weight: (out_channels, in_channels/groups,
// kH, kW). padding: numbers, "same" (stride 1 only) or "valid".
class Conv2d : public ConvBase {
 public:
  Conv2d(int64_t in_channels, int64_t out_channels, Size2 kernel_size, Size2 stride = 1,
         Padding padding = 0, Size2 dilation = 1, int64_t groups = 1, bool bias = true);
  Tensor forward(const Tensor& x) override;
};

// x: (N, in_channels, H, W) or (in_channels, H, W). weight: (in_channels, out_channels/groups,
// kH, kW), as PyTorch's (the transpose of the Conv2d that maps back).
class ConvTranspose2d : public ConvBase {
 public:
  ConvTranspose2d(int64_t in_channels, int64_t out_channels, Size2 kernel_size, Size2 stride = 1,
                  Size2 padding = 0, Size2 output_padding = 0, int64_t groups = 1, bool bias = true,
                  Size2 dilation = 1);
  Tensor forward(const Tensor& x) override;
};

}  // namespace nw::nn
