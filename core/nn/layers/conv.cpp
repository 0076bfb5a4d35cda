#include "nn/layers/conv.h"

#include <cmath>

#include "nn/functional/conv.h"
#include "nn/init.h"
#include "tensor/creation.h"

namespace nw::nn {

namespace {

bool all_equal(const Shape& s, int64_t v) {
  for (int64_t x : s)
    if (x != v) return false;
  return true;
}

Shape pair(Size2 s) {
  return {s.h, s.w};
}

void check_positive(const std::string& type, const Shape& s, const char* what) {
  for (int64_t v : s)
    if (v < 1) throw ShapeError(type + ": " + what + " must be positive, got " + shape_str(s));
}

}  // namespace

ConvBase::ConvBase(const std::string& type, Spec spec)
    : Module(type),
      in_channels_(spec.in_channels),
      out_channels_(spec.out_channels),
      groups_(spec.groups),
      kernel_size_(std::move(spec.kernel_size)),
      stride_(std::move(spec.stride)),
      padding_(std::move(spec.padding)),
      dilation_(std::move(spec.dilation)),
      output_padding_(std::move(spec.output_padding)),
      padding_mode_(std::move(spec.padding_mode)) {
  if (groups_ < 1)
    throw ShapeError(type + ": groups must be positive, got " + std::to_string(groups_));
  if (in_channels_ < 1 || out_channels_ < 1)
    throw ShapeError(type + ": in_channels and out_channels must be positive, got " +
                     std::to_string(in_channels_) + " and " + std::to_string(out_channels_));
  if (in_channels_ % groups_ != 0)
    throw ShapeError(type + ": in_channels (" + std::to_string(in_channels_) +
                     ") must be divisible by groups (" + std::to_string(groups_) + ")");
  if (out_channels_ % groups_ != 0)
    throw ShapeError(type + ": out_channels (" + std::to_string(out_channels_) +
                     ") must be divisible by groups (" + std::to_string(groups_) + ")");
  check_positive(type, kernel_size_, "kernel_size");
  check_positive(type, stride_, "stride");
  check_positive(type, dilation_, "dilation");
  if (!padding_mode_.empty() && padding_mode_ != "same" && padding_mode_ != "valid")
    throw ShapeError(type + ": padding must be numbers, \"same\" or \"valid\", got \"" +
                     padding_mode_ + "\"");
  if (padding_mode_ == "same" && !all_equal(stride_, 1))
    throw ShapeError(type + ": padding=\"same\" needs stride 1, got stride " + shape_str(stride_) +
                     "; give the padding as numbers instead");
  for (int64_t p : padding_)
    if (p < 0)
      throw ShapeError(type + ": padding must be non-negative, got " + shape_str(padding_));

  Shape w_shape = spec.transposed ? Shape{in_channels_, out_channels_ / groups_}
                                  : Shape{out_channels_, in_channels_ / groups_};
  w_shape.insert(w_shape.end(), kernel_size_.begin(), kernel_size_.end());
  weight = register_parameter("weight", empty(w_shape));
  bias = register_parameter("bias", spec.bias ? empty({out_channels_}) : Tensor());
  reset_parameters();
}

void ConvBase::reset_parameters() {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (!bias.defined()) return;
  const int64_t fan_in = init::fan_in_and_fan_out(weight).first;
  if (fan_in == 0) return;
  const double bound = 1.0 / std::sqrt(double(fan_in));
  init::uniform_(bias, -bound, bound);
}

Padding ConvBase::padding_arg() const {
  if (!padding_mode_.empty()) return Padding(padding_mode_);
  return padding_.size() == 1 ? Padding(padding_[0]) : Padding(padding_[0], padding_[1]);
}

std::string ConvBase::extra_repr() const {
  std::string s = std::to_string(in_channels_) + ", " + std::to_string(out_channels_) +
                  ", kernel_size=" + shape_str(kernel_size_) + ", stride=" + shape_str(stride_);
  if (!padding_mode_.empty())
    s += ", padding=" + padding_mode_;
  else if (!all_equal(padding_, 0))
    s += ", padding=" + shape_str(padding_);
  if (!all_equal(dilation_, 1)) s += ", dilation=" + shape_str(dilation_);
  if (!all_equal(output_padding_, 0)) s += ", output_padding=" + shape_str(output_padding_);
  if (groups_ != 1) s += ", groups=" + std::to_string(groups_);
  if (!bias.defined()) s += ", bias=False";
  return s;
}

Conv1d::Conv1d(int64_t in_channels, int64_t out_channels, int64_t kernel_size, int64_t stride,
               Padding padding, int64_t dilation, int64_t groups, bool bias)
    : ConvBase("Conv1d", {in_channels,
                          out_channels,
                          {kernel_size},
                          {stride},
                          {padding.mode.empty() ? padding.size.w : 0},
                          {dilation},
                          {0},
                          padding.mode,
                          groups,
                          bias,
                          false}) {
  if (padding.mode.empty() && !padding.size.single)
    throw ShapeError("Conv1d: padding must be one number, \"same\" or \"valid\", got " +
                     padding.size.pair_str());
}

Tensor Conv1d::forward(const Tensor& x) {
  return functional::conv1d(x, weight, bias, stride_[0], padding_arg(), dilation_[0], groups_);
}

Conv2d::Conv2d(int64_t in_channels, int64_t out_channels, Size2 kernel_size, Size2 stride,
               Padding padding, Size2 dilation, int64_t groups, bool bias)
    : ConvBase("Conv2d", {in_channels,
                          out_channels,
                          pair(kernel_size),
                          pair(stride),
                          padding.mode.empty() ? pair(padding.size) : Shape{0, 0},
                          pair(dilation),
                          {0, 0},
                          padding.mode,
                          groups,
                          bias,
                          false}) {}

Tensor Conv2d::forward(const Tensor& x) {
  return functional::conv2d(x, weight, bias, Size2(stride_[0], stride_[1]), padding_arg(),
                            Size2(dilation_[0], dilation_[1]), groups_);
}

ConvTranspose2d::ConvTranspose2d(int64_t in_channels, int64_t out_channels, Size2 kernel_size,
                                 Size2 stride, Size2 padding, Size2 output_padding, int64_t groups,
                                 bool bias, Size2 dilation)
    : ConvBase("ConvTranspose2d",
               {in_channels, out_channels, pair(kernel_size), pair(stride), pair(padding),
                pair(dilation), pair(output_padding), "", groups, bias, true}) {}

Tensor ConvTranspose2d::forward(const Tensor& x) {
  return functional::conv_transpose2d(
      x, weight, bias, Size2(stride_[0], stride_[1]), Size2(padding_[0], padding_[1]),
      Size2(output_padding_[0], output_padding_[1]), groups_, Size2(dilation_[0], dilation_[1]));
}

}  // namespace nw::nn
