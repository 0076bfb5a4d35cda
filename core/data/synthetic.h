#pragma once
// Synthetic datasets for demos and tests. Each is a pure function of its arguments and seed.
#include <cstdint>

#include "data/tensor_dataset.h"

namespace nw::data {

// Features N(0, 1) float32 (n_samples, n_features) and labels uniform over the classes, drawn
// independently of the features (so there is nothing to learn: a throughput workload). Labels are
// int64 (n_samples,) for CrossEntropyLoss; with n_classes == 2 and binary_float_targets they are
// float32 (n_samples, 1) in {0, 1} for BCELoss, as the tutorial's
//   X = torch.randn(1000, 20); y = torch.randint(0, 2, (1000, 1)).float()
TensorDataset random_classification(int64_t n_samples, int64_t n_features, int64_t n_classes,
                                    uint64_t seed, bool binary_float_targets = false);

// A learnable problem: one random centre per class (coordinates N(0, class_sep^2)) and samples
// scattered N(0, 1) around their class's centre. Labels int64 (n_samples,), classes in turn, so
// each class has n_samples / n_classes samples (the first ones one more).
TensorDataset make_blobs(int64_t n_samples, int64_t n_features, int64_t n_classes, uint64_t seed,
                         double class_sep = 2.0);

}  // namespace nw::data
