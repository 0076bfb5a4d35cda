#pragma once
// Randomness for data pipelines, drawn from Philox (tensor/philox.h). Every draw is a pure
// function of its inputs (seed, counter offset, sample index, epoch), never of thread timing or
// call order, so a loader gives the same batches with any number of workers.
#include <cstdint>
#include <vector>

#include "tensor/generator.h"

namespace nw::data {

// A permutation of 0 .. n-1 (Fisher-Yates) that uses Philox counters offset .. offset+n-1 of
// `seed`.
std::vector<int64_t> random_permutation(int64_t n, uint64_t seed, uint64_t offset);
// The same, drawing from `gen` (advances it by n counters), as torch.randperm(generator=gen).
std::vector<int64_t> random_permutation(int64_t n, Generator& gen);
// Positions rank, rank + world, ... of `order`: DistributedSampler's shard. pad: first extend
// `order` to a multiple of `world` by repeating its first entries (wrapping round when it is
// shorter than world), so every shard has the same length.
std::vector<int64_t> shard_of(const std::vector<int64_t>& order, int rank, int world, bool pad);
// A fresh 64-bit seed from `gen` (advances it by one counter).
uint64_t draw_seed(Generator& gen);

// Where a random transform of one sample draws from. `stream` tells apart transforms in one
// pipeline (Compose numbers them), so two random flips do not flip together.
struct SampleContext {
  uint64_t seed = 0;
  int64_t index = 0;
  int64_t epoch = 0;
  uint32_t stream = 0;
};

// Successive draws for one SampleContext.
class SampleRng {
 public:
  explicit SampleRng(const SampleContext& ctx);
  double uniform();                            // [0, 1)
  int64_t integer(int64_t low, int64_t high);  // [low, high]

 private:
  uint64_t key_;
  uint64_t counter_;
  uint32_t words_[4] = {};
  int next_ = 4;
};

}  // namespace nw::data
