#pragma once
// Pooling layers, as torch.nn.MaxPool2d, AvgPool2d and AdaptiveAvgPool2d: thin modules over the
// functional forms (nn/functional/pooling.h), printed as PyTorch prints them, with each size in
// the form it was given ("kernel_size=2" or "kernel_size=(2, 3)").
#include <optional>
#include <utility>

#include "nn/functional/window.h"
#include "nn/module.h"

namespace nw::nn {

using functional::Size2;

// stride defaults to kernel_size. forward returns the pooled values; forward_with_indices also
// returns the argmax positions (PyTorch's return_indices=True, which the flag records).
class MaxPool2d : public Module {
 public:
  MaxPool2d(Size2 kernel_size, Size2 stride = Size2(), Size2 padding = 0, Size2 dilation = 1,
            bool return_indices = false, bool ceil_mode = false);
  using Module::forward;
  Tensor forward(const Tensor& x) override;
  std::pair<Tensor, Tensor> forward_with_indices(const Tensor& x);
  bool return_indices() const { return return_indices_; }
  std::string extra_repr() const override;

 private:
  Size2 kernel_size_, stride_, padding_, dilation_;
  bool return_indices_, ceil_mode_;
};

class AvgPool2d : public Module {
 public:
  AvgPool2d(Size2 kernel_size, Size2 stride = Size2(), Size2 padding = 0, bool ceil_mode = false,
            bool count_include_pad = true, std::optional<int64_t> divisor_override = std::nullopt);
  using Module::forward;
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  Size2 kernel_size_, stride_, padding_;
  bool ceil_mode_, count_include_pad_;
  std::optional<int64_t> divisor_override_;
};

class AdaptiveAvgPool2d : public Module {
 public:
  explicit AdaptiveAvgPool2d(Size2 output_size);
  using Module::forward;
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override { return "output_size=" + output_size_.str(); }

 private:
  Size2 output_size_;
};

}  // namespace nw::nn
