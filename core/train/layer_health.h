#pragma once
// Layer health: every `every` training steps the trainer measures, per parameterised layer (each
// node with parameters), its output's mean, standard deviation and histogram, the zeros and dead
// units after a ReLU that reads it, its parameters' gradient norm and the optimizer step's
// update-to-weight ratio (train/health_sample.h). Only the sampled step pays: the network's
// observer (GraphModule::set_observer) is set for that forward alone.
//
//   LayerHealth health(net);
//   health.begin(epoch, batch, step);  // before the forward
//   ... forward, backward ...
//   health.before_step();              // gradients, and the weights before the step
//   optimizer.step();
//   HealthSample s = health.finish();  // update ratios
//
// A ReLU's statistics are reported under the parameterised layer whose output it reads ("fc1"
// for fc1 -> relu1); a ReLU after a merge or a parameter-free layer is not reported. A unit is
// one element of a sample's output (a feature of a Linear, one channel at one position of a
// convolution); it is dead when it is zero for every sample of the batch. In a data-parallel run
// only rank 0 samples, on its own shard (gradients are already the mean over ranks).
#include <map>
#include <string>
#include <vector>

#include "graph/compile.h"
#include "train/health_sample.h"

namespace nw::train {

// The statistics themselves, on any device (read back to the host), for tests and tools.
// x: (N, ...) a layer's output.
struct ActivationStats {
  double mean = 0.0, std = 0.0;    // population standard deviation
  double lo = 0.0, hi = 0.0;       // the histogram's range: the smallest and largest value
  std::vector<int64_t> histogram;  // `bins` equal bins over [lo, hi], the last one closed
};
ActivationStats activation_stats(const Tensor& x, int bins = kHealthBins);
// y: (N, ...) a ReLU's output. zero: zeros / numel; dead: units zero in every sample / units.
struct ReluStats {
  double zero_fraction = 0.0, dead_fraction = 0.0;
};
ReluStats relu_stats(const Tensor& y);
// sqrt(sum over the tensors of the sum of squares); tensors may be undefined (no gradient: 0).
double l2_norm(const std::vector<Tensor>& tensors);
// ||after - before|| / ||before|| over all the tensors together; 0 when ||before|| is 0 and
// nothing moved, infinity when only the weights at zero moved.
double update_ratio(const std::vector<Tensor>& before, const std::vector<Tensor>& after);

class LayerHealth {
 public:
  explicit LayerHealth(graph::GraphModule& net);
  ~LayerHealth();
  LayerHealth(const LayerHealth&) = delete;
  LayerHealth& operator=(const LayerHealth&) = delete;

  // The layers it reports, in the network's order.
  std::vector<std::string> layers() const;

  // Starts a sample: the next forward's outputs are measured.
  void begin(int64_t epoch, int64_t batch, int64_t step);
  // After backward (and the gradient exchange), before the optimizer step.
  void before_step();
  // After the optimizer step: the sample, and the network's observer removed.
  HealthSample finish();

 private:
  struct Layer;
  void observe(const std::string& id, const std::vector<Tensor>& outputs);

  graph::GraphModule& net_;
  std::vector<Layer> layers_;
  std::map<std::string, size_t> by_output_, by_relu_;  // node id -> its index in layers_
  HealthSample sample_;
};

}  // namespace nw::train
