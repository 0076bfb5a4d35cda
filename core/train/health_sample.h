#pragma once
// What layer health (train/layer_health.h) measures at one sampled training step, per
// parameterised layer of the compiled network. The trainer hands it to Callbacks::on_health,
// the CLI writes it to the metrics file ({"event": "health", ...}, train/metrics_log.h) and the
// application's Layer Health dock and node sparklines draw it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nw::train {

// Bins of each layer's activation histogram; its range is that sample's [lo, hi].
inline constexpr int kHealthBins = 32;

struct LayerHealthStats {
  std::string layer;  // node id in the compiled (expanded) graph: "fc1", "layer1.0.conv1"
  std::string type;   // "Linear"
  // The layer's output on this batch: mean and population standard deviation.
  double act_mean = 0.0, act_std = 0.0;
  // Set when a ReLU reads the layer's output (`activation` names it): the fraction of its
  // outputs that are zero, and of its units (elements of a sample) zero for every sample.
  std::string activation;
  std::optional<double> zero_fraction, dead_fraction;
  // Trainable layers only: sqrt of the sum of squares of the parameters' gradients (after the
  // gradient exchange), and ||w_after - w_before|| / ||w_before|| of this optimizer step over
  // all the layer's parameters.
  std::optional<double> grad_norm, update_ratio;
  // The output's values in kHealthBins equal bins over [hist_lo, hist_hi].
  double hist_lo = 0.0, hist_hi = 0.0;
  std::vector<int64_t> histogram;
};

struct HealthSample {
  int64_t epoch = 0;                     // 1-based
  int64_t batch = 0;                     // 1-based within the epoch
  int64_t step = 0;                      // 1-based over the run: (epoch - 1) * batches + batch
  std::vector<LayerHealthStats> layers;  // in the network's order
};

}  // namespace nw::train
