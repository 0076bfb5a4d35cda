#pragma once
// A small classifier and its data for trainer tests: an MLP 8-16-3 over three Gaussian blobs, with
// an optional NaN planted in one sample, to see where a run notices it.
#include <cstdint>
#include <limits>
#include <memory>

#include "data/synthetic.h"
#include "data/tensor_dataset.h"
#include "graph/graph.h"
#include "io/config.h"

namespace nw::test {

inline graph::Graph blob_mlp() {
  graph::Graph g;
  g.add_node("Input", "input", {{"shape", nlohmann::json::array({8})}});
  g.add_node("Linear", "fc1", {{"out_features", 16}});
  g.add_node("ReLU", "relu");
  g.add_node("Linear", "head", {{"out_features", 3}});
  g.connect({"input", 0}, {"fc1", 0});
  g.connect({"fc1", 0}, {"relu", 0});
  g.connect({"relu", 0}, {"head", 0});
  return g;
}

// `samples` samples of three blobs as the training split; a NaN in sample `nan_at` when >= 0.
inline io::Datasets blob_data(int64_t samples, int64_t nan_at = -1) {
  const data::TensorDataset all = data::make_blobs(samples, 8, 3, 11);
  Tensor x = all.data().clone();
  if (nan_at >= 0) x.data_ptr<float>()[8 * nan_at] = std::numeric_limits<float>::quiet_NaN();
  io::Datasets d;
  d.train = std::make_shared<data::TensorDataset>(x, all.targets());
  d.num_classes = 3;
  return d;
}

}  // namespace nw::test
