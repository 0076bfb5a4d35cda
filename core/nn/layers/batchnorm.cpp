#include "nn/layers/batchnorm.h"

#include <cstdio>
#include <cstdlib>

#include "autograd/grad_mode.h"
#include "nn/functional/batchnorm.h"
#include "nn/init.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace nw::nn {

namespace {

// Python's repr of a float: the shortest digits that read back the same ("1e-05", "0.1", "1.0").
std::string py_float(double v) {
  char buf[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string s = buf;
  if (s.find_first_of(".eni") == std::string::npos) s += ".0";
  return s;
}

const char* py_bool(bool b) {
  return b ? "True" : "False";
}

}  // namespace

BatchNormBase::BatchNormBase(const std::string& type, int64_t num_features, double eps,
                             std::optional<double> momentum, bool affine, bool track_running_stats)
    : Module(type),
      num_features_(num_features),
      eps_(eps),
      momentum_(momentum),
      affine_(affine),
      track_running_stats_(track_running_stats) {
  if (num_features < 1)
    throw ShapeError(type + ": num_features must be positive, got " + std::to_string(num_features));
  weight = register_parameter("weight", affine ? empty({num_features}) : Tensor());
  bias = register_parameter("bias", affine ? empty({num_features}) : Tensor());
  if (track_running_stats) {
    running_mean = register_buffer("running_mean", empty({num_features}));
    running_var = register_buffer("running_var", empty({num_features}));
    num_batches_tracked = register_buffer("num_batches_tracked", zeros({}, kInt64));
  } else {
    // Registered empty, as PyTorch's None buffers: absent from state_dict.
    register_buffer("running_mean", Tensor());
    register_buffer("running_var", Tensor());
    register_buffer("num_batches_tracked", Tensor());
  }
  reset_parameters();
}

void BatchNormBase::reset_running_stats() {
  if (!track_running_stats_) return;
  NoGradGuard no_grad;
  running_mean.zero_();
  running_var.fill_(1.0);
  num_batches_tracked.zero_();
}

void BatchNormBase::reset_parameters() {
  reset_running_stats();
  if (!affine_) return;
  init::ones_(weight);
  init::zeros_(bias);
}

Tensor BatchNormBase::forward(const Tensor& x) {
  check_input(x);
  double factor = momentum_.value_or(0.0);
  if (is_training() && track_running_stats_) {
    NoGradGuard no_grad;
    num_batches_tracked.add_(1.0);
    if (!momentum_) factor = 1.0 / num_batches_tracked.item();
  }
  if (is_training() && stats_sum_) return synced_forward(x, factor);
  // Batch statistics in training, and in eval too when no running ones are kept.
  const bool use_batch = is_training() || !track_running_stats_;
  const bool pass_running = !is_training() || track_running_stats_;
  return functional::batch_norm(x, pass_running ? running_mean : Tensor(),
                                pass_running ? running_var : Tensor(), weight, bias, use_batch,
                                factor, eps_);
}

Tensor BatchNormBase::synced_forward(const Tensor& x, double factor) {
  const int64_t c = num_features_;
  Shape dims{0}, per_channel(size_t(x.dim()), 1);
  for (int64_t d = 2; d < x.dim(); ++d) dims.push_back(d);
  per_channel[1] = c;
  // Two passes, as the fused layer: the mean, then the squares about it (E[x^2] - mean^2 loses
  // digits when the mean is large), accumulated in float64, as the fused layer accumulates
  // (float32 sums over N x H x W values lose about 1e-6 of the mean, which training amplifies).
  // Sums, not means, so that ranks with different batch sizes combine exactly.
  const Tensor x64 = x.to(kFloat64);
  const Tensor count = full({1}, double(x.numel() / c), TensorOptions(kFloat64).device(x.device()));
  const Tensor sums = stats_sum_(cat({x64.sum(dims), count}, 0));
  const double n = sums.narrow(0, c, 1).item();
  if (n < 2)
    throw ShapeError(type_name() +
                     ": training needs more than one value per channel over all ranks, got " +
                     std::to_string(int64_t(n)));
  const Tensor mean = sums.narrow(0, 0, c) / n;
  const Tensor centred = x64 - mean.view(per_channel);
  const Tensor var = stats_sum_((centred * centred).sum(dims)) / n;  // biased, as the batch's
  Tensor y = (centred * (var + eps_).pow(-0.5).view(per_channel)).to(x.dtype());
  if (affine_) y = y * weight.view(per_channel) + bias.view(per_channel);
  if (track_running_stats_) {
    NoGradGuard no_grad;
    running_mean.mul_(1.0 - factor).add_(mean.detach().to(running_mean.dtype()), factor);
    running_var.mul_(1.0 - factor)
        .add_((var.detach() * (n / (n - 1))).to(running_var.dtype()), factor);  // unbiased
  }
  return y;
}

std::string BatchNormBase::extra_repr() const {
  return std::to_string(num_features_) + ", eps=" + py_float(eps_) +
         ", momentum=" + (momentum_ ? py_float(*momentum_) : "None") +
         ", affine=" + py_bool(affine_) + ", track_running_stats=" + py_bool(track_running_stats_);
}

void BatchNorm1d::check_input(const Tensor& x) const {
  if (x.dim() != 2 && x.dim() != 3)
    throw ShapeError("BatchNorm1d: expects input of shape (N, C) or (N, C, L), got " +
                     shape_str(x.sizes()) + "; use BatchNorm2d for (N, C, H, W) inputs");
}

void BatchNorm2d::check_input(const Tensor& x) const {
  if (x.dim() != 4)
    throw ShapeError("BatchNorm2d: expects input of shape (N, C, H, W), got " +
                     shape_str(x.sizes()) +
                     (x.dim() < 4 ? "; use BatchNorm1d for (N, C) or (N, C, L) inputs" : ""));
}

}  // namespace nw::nn
