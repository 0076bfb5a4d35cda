#pragma once
// Every rank of a data-parallel run builds its network from the same seed, so every rank's default
// generator would go on to draw the same numbers: the same dropout masks and augmentation draws
// for different samples, which correlates what should be independent. After building, each rank
// other than 0 moves to a stream of its own, keyed by the seed and its rank; rank 0 keeps the
// run's stream, which is the one its checkpoint records, so a checkpoint of K ranks holds the
// same generator state as one of a single process, and resuming re-derives the other ranks'.
#include <cstdint>

#include "tensor/generator.h"

namespace nw::dist {

// The seed of rank `rank`'s stream for a run seeded with `seed` (rank 0: `seed` itself).
uint64_t rank_seed(uint64_t seed, int rank);
// Moves `g` to rank `rank`'s stream, keeping its offset (every rank draws as often as rank 0).
void use_rank_stream(Generator& g, int rank);

}  // namespace nw::dist
