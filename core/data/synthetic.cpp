#include "data/synthetic.h"

#include <string>

#include "backend/backend.h"
#include "data/data_error.h"
#include "tensor/creation.h"

namespace nw::data {

namespace {

void check_sizes(const char* who, int64_t n_samples, int64_t n_features, int64_t n_classes) {
  if (n_samples < 1 || n_features < 1 || n_classes < 1)
    throw DataError(std::string(who) +
                    ": n_samples, n_features and n_classes must be at least 1, "
                    "got " +
                    std::to_string(n_samples) + ", " + std::to_string(n_features) + " and " +
                    std::to_string(n_classes));
}

}  // namespace

TensorDataset random_classification(int64_t n_samples, int64_t n_features, int64_t n_classes,
                                    uint64_t seed, bool binary_float_targets) {
  check_sizes("random_classification", n_samples, n_features, n_classes);
  if (binary_float_targets && n_classes != 2)
    throw DataError("random_classification: float targets are for two classes (BCELoss), got " +
                    std::to_string(n_classes) + " classes");
  // A private generator: the draws match nw::manual_seed(seed); randn(...); randint(...).
  Generator gen(seed);
  Backend& cpu = backend_for(kCPU);
  Tensor x = empty({n_samples, n_features});
  cpu.normal(x, 0.0, 1.0, gen);
  Tensor y = empty(binary_float_targets ? Shape{n_samples, 1} : Shape{n_samples}, kInt64);
  cpu.randint(y, 0, n_classes, gen);
  return TensorDataset(x, binary_float_targets ? y.to(kFloat32) : y);
}

TensorDataset make_blobs(int64_t n_samples, int64_t n_features, int64_t n_classes, uint64_t seed,
                         double class_sep) {
  check_sizes("make_blobs", n_samples, n_features, n_classes);
  Generator gen(seed);
  Backend& cpu = backend_for(kCPU);
  Tensor centres = empty({n_classes, n_features});
  cpu.normal(centres, 0.0, class_sep, gen);
  Tensor x = empty({n_samples, n_features});
  cpu.normal(x, 0.0, 1.0, gen);
  std::vector<int64_t> labels(static_cast<size_t>(n_samples));
  for (int64_t i = 0; i < n_samples; ++i) labels[size_t(i)] = i % n_classes;
  Tensor y = from_vector(labels, {n_samples});
  return TensorDataset(x + centres.index_select(0, y), y);
}

}  // namespace nw::data
