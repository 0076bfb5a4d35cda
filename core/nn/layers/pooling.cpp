#include "nn/layers/pooling.h"

#include "nn/functional/pooling.h"

namespace nw::nn {

namespace {

// Window arguments are checked when the layer is built, so a bad one fails at the line that
// made it rather than at the first forward pass.
void check_window(const char* type, const Size2& kernel, const Size2& stride,
                  const Size2& padding) {
  if (kernel.h < 1 || kernel.w < 1)
    throw ShapeError(std::string(type) + ": kernel_size must be positive, got " + kernel.str());
  if (stride.h < 1 || stride.w < 1)
    throw ShapeError(std::string(type) + ": stride must be positive, got " + stride.str());
  if (padding.h < 0 || padding.w < 0 || padding.h > kernel.h / 2 || padding.w > kernel.w / 2)
    throw ShapeError(std::string(type) + ": padding must be between 0 and half the kernel size " +
                     kernel.str() + ", got " + padding.str());
}

}  // namespace

MaxPool2d::MaxPool2d(Size2 kernel_size, Size2 stride, Size2 padding, Size2 dilation,
                     bool return_indices, bool ceil_mode)
    : Module("MaxPool2d"),
      kernel_size_(kernel_size),
      stride_(stride.given ? stride : kernel_size),
      padding_(padding),
      dilation_(dilation),
      return_indices_(return_indices),
      ceil_mode_(ceil_mode) {
  check_window("MaxPool2d", kernel_size_, stride_, padding_);
  if (dilation_.h < 1 || dilation_.w < 1)
    throw ShapeError("MaxPool2d: dilation must be positive, got " + dilation_.str());
}

Tensor MaxPool2d::forward(const Tensor& x) {
  return functional::max_pool2d(x, kernel_size_, stride_, padding_, dilation_, ceil_mode_);
}

std::pair<Tensor, Tensor> MaxPool2d::forward_with_indices(const Tensor& x) {
  return functional::max_pool2d_with_indices(x, kernel_size_, stride_, padding_, dilation_,
                                             ceil_mode_);
}

std::string MaxPool2d::extra_repr() const {
  return "kernel_size=" + kernel_size_.str() + ", stride=" + stride_.str() +
         ", padding=" + padding_.str() + ", dilation=" + dilation_.str() +
         ", ceil_mode=" + (ceil_mode_ ? "True" : "False");
}

AvgPool2d::AvgPool2d(Size2 kernel_size, Size2 stride, Size2 padding, bool ceil_mode,
                     bool count_include_pad, std::optional<int64_t> divisor_override)
    : Module("AvgPool2d"),
      kernel_size_(kernel_size),
      stride_(stride.given ? stride : kernel_size),
      padding_(padding),
      ceil_mode_(ceil_mode),
      count_include_pad_(count_include_pad),
      divisor_override_(divisor_override) {
  check_window("AvgPool2d", kernel_size_, stride_, padding_);
  if (divisor_override_ && *divisor_override_ == 0)
    throw ShapeError("AvgPool2d: divisor_override must not be zero");
}

Tensor AvgPool2d::forward(const Tensor& x) {
  return functional::avg_pool2d(x, kernel_size_, stride_, padding_, ceil_mode_, count_include_pad_,
                                divisor_override_);
}

std::string AvgPool2d::extra_repr() const {
  // PyTorch prints only these three.
  return "kernel_size=" + kernel_size_.str() + ", stride=" + stride_.str() +
         ", padding=" + padding_.str();
}

AdaptiveAvgPool2d::AdaptiveAvgPool2d(Size2 output_size)
    : Module("AdaptiveAvgPool2d"), output_size_(output_size) {
  if (output_size_.h < 1 || output_size_.w < 1)
    throw ShapeError("AdaptiveAvgPool2d: output_size must be positive, got " + output_size_.str());
}

Tensor AdaptiveAvgPool2d::forward(const Tensor& x) {
  return functional::adaptive_avg_pool2d(x, output_size_);
}

}  // namespace nw::nn
