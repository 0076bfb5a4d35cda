#include "train/rank_sums.h"

#include <algorithm>

#include "tensor/creation.h"

namespace nw::train {

Tally sum_over_ranks(dist::Communicator& comm, const Tally& mine) {
  if (comm.size() == 1) return mine;
  // float64 holds the counts exactly up to 2^53 samples.
  Tensor t = from_vector(
      std::vector<double>{mine.loss_sum, double(mine.samples), double(mine.correct)}, {3});
  comm.all_reduce_sum(t);
  const std::vector<double> v = t.to_vector<double>();
  Tally all;
  all.loss_sum = v[0];
  all.samples = int64_t(v[1]);
  all.correct = int64_t(v[2]);
  return all;
}

bool any_rank(dist::Communicator& comm, bool mine) {
  if (comm.size() == 1) return mine;
  Tensor t = from_vector(std::vector<int64_t>{mine ? 1 : 0}, {1});
  comm.all_reduce_sum(t);
  return t.to_vector<int64_t>()[0] > 0;
}

void sum_over_ranks(dist::Communicator& comm, std::vector<std::vector<int64_t>>& counts) {
  if (comm.size() == 1) return;
  // The matrix grows with the classes a rank has seen, so sizes may differ: each rank writes its
  // size in its own slot, and the sum is every size.
  std::vector<int64_t> sizes(size_t(comm.size()), 0);
  sizes[size_t(comm.rank())] = int64_t(counts.size());
  Tensor st = from_vector(sizes, {int64_t(sizes.size())});
  comm.all_reduce_sum(st);
  const std::vector<int64_t> all_sizes = st.to_vector<int64_t>();
  const auto k = size_t(*std::max_element(all_sizes.begin(), all_sizes.end()));
  if (k == 0) return;
  std::vector<int64_t> flat(k * k, 0);
  for (size_t i = 0; i < counts.size(); ++i)
    for (size_t j = 0; j < counts[i].size(); ++j) flat[i * k + j] = counts[i][j];
  Tensor t = from_vector(flat, {int64_t(k), int64_t(k)});
  comm.all_reduce_sum(t);
  flat = t.to_vector<int64_t>();
  counts.assign(k, std::vector<int64_t>(k, 0));
  for (size_t i = 0; i < k; ++i)
    for (size_t j = 0; j < k; ++j) counts[i][j] = flat[i * k + j];
}

}  // namespace nw::train
