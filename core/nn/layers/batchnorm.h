#pragma once
// Batch normalisation layers, as torch.nn.BatchNorm1d and BatchNorm2d: weight (ones) and bias
// (zeros) when affine; buffers running_mean (zeros), running_var (ones) and num_batches_tracked
// (int64, 0) when track_running_stats. Training normalises with the batch statistics and updates
// the running ones; eval() normalises with the running ones (or, without them, with the batch's).
#include <functional>
#include <optional>

#include "nn/module.h"

namespace nw::nn {

class BatchNormBase : public Module {
 public:
  using Module::forward;
  Tensor forward(const Tensor& x) override;
  std::string extra_repr() const override;
  void reset_running_stats();
  void reset_parameters();  // running stats, then weight = 1 and bias = 0

  int64_t num_features() const { return num_features_; }

  // Data-parallel training, as torch.nn.SyncBatchNorm: `sum` adds a tensor over every rank,
  // differentiably (its gradient is the sum of the ranks' gradients): first (C + 1) per-channel
  // sums and the count, then (C) sums of squares about the mean. Training then normalises with
  // the statistics of all the ranks' batches together. Unset (the default): this rank's batch.
  using StatsSum = std::function<Tensor(const Tensor&)>;
  void sync_statistics(StatsSum sum) { stats_sum_ = std::move(sum); }

  Tensor weight, bias;               // (num_features,); undefined unless affine
  Tensor running_mean, running_var;  // (num_features,); undefined unless track_running_stats
  Tensor num_batches_tracked;        // int64 scalar; likewise

 protected:
  // momentum nullopt: a cumulative average (factor 1 / num_batches_tracked), as PyTorch's None.
  BatchNormBase(const std::string& type, int64_t num_features, double eps,
                std::optional<double> momentum, bool affine, bool track_running_stats);
  // Throws ShapeError naming the accepted input shapes unless x fits this layer.
  virtual void check_input(const Tensor& x) const = 0;

  // Training with stats_sum_: normalises with the summed statistics, updates the running ones.
  Tensor synced_forward(const Tensor& x, double factor);

  StatsSum stats_sum_;
  int64_t num_features_;
  double eps_;
  std::optional<double> momentum_;
  bool affine_, track_running_stats_;
};

// x: (N, C) or (N, C, L), C = num_features.
class BatchNorm1d : public BatchNormBase {
 public:
  explicit BatchNorm1d(int64_t num_features, double eps = 1e-5,
                       std::optional<double> momentum = 0.1, bool affine = true,
                       bool track_running_stats = true)
      : BatchNormBase("BatchNorm1d", num_features, eps, momentum, affine, track_running_stats) {}

 protected:
  void check_input(const Tensor& x) const override;
};

// x: (N, C, H, W), C = num_features.
class BatchNorm2d : public BatchNormBase {
 public:
  explicit BatchNorm2d(int64_t num_features, double eps = 1e-5,
                       std::optional<double> momentum = 0.1, bool affine = true,
                       bool track_running_stats = true)
      : BatchNormBase("BatchNorm2d", num_features, eps, momentum, affine, track_running_stats) {}

 protected:
  void check_input(const Tensor& x) const override;
};

}  // namespace nw::nn
