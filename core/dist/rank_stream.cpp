#include "dist/rank_stream.h"

namespace nw::dist {

namespace {

// SplitMix64's finaliser: nearby inputs (ranks 1, 2, 3) give unrelated outputs.
uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

uint64_t rank_seed(uint64_t seed, int rank) {
  if (rank == 0) return seed;
  return mix(seed + 0x9E3779B97F4A7C15ULL * uint64_t(rank));
}

void use_rank_stream(Generator& g, int rank) {
  if (rank == 0) return;
  const uint64_t offset = g.offset();
  g.manual_seed(rank_seed(g.seed(), rank));
  g.set_offset(offset);
}

}  // namespace nw::dist
