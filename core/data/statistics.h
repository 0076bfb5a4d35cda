#pragma once
// Dataset statistics for Normalize.
#include <vector>

#include "data/dataset.h"

namespace nw::data {

struct MeanStd {
  std::vector<double> mean;  // one per channel
  std::vector<double> std;   // population standard deviation (divides by the count)
};

// Per-channel mean and standard deviation of the samples' data over every sample and position.
// Samples are (C, ...) with channels in dimension 0; a 0-d or 1-value sample is one channel.
// Reads the dataset in batches of `batch_size` and accumulates in double precision. For the
// Fashion-MNIST training images scaled to [0, 1] it gives mean 0.2860, std 0.3530.
MeanStd channel_mean_std(const Dataset& dataset, int64_t batch_size = 1024);

}  // namespace nw::data
