#include "data/sampling.h"

#include <numeric>

#include "data/data_error.h"
#include "tensor/philox.h"

namespace nw::data {

namespace {

// SplitMix64's finaliser: spreads (seed, epoch, stream) over the whole 64-bit key space.
uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

uint64_t bits64(const philox::Block& b) {
  return (uint64_t(b.v[0]) << 32) | b.v[1];
}

}  // namespace

std::vector<int64_t> random_permutation(int64_t n, uint64_t seed, uint64_t offset) {
  if (n < 0) throw DataError("random_permutation: n must be >= 0, got " + std::to_string(n));
  std::vector<int64_t> p(static_cast<size_t>(n));
  std::iota(p.begin(), p.end(), int64_t(0));
  // The modulo bias of 64 random bits over at most 2^40 choices is below 1e-7.
  for (int64_t i = n - 1; i > 0; --i) {
    const uint64_t r = bits64(philox::generate(seed, offset + uint64_t(i)));
    std::swap(p[size_t(i)], p[size_t(r % uint64_t(i + 1))]);
  }
  return p;
}

std::vector<int64_t> random_permutation(int64_t n, Generator& gen) {
  const uint64_t seed = gen.seed();
  return random_permutation(n, seed, gen.advance(uint64_t(n > 0 ? n : 0)));
}

std::vector<int64_t> shard_of(const std::vector<int64_t>& order, int rank, int world, bool pad) {
  if (world < 1 || rank < 0 || rank >= world)
    throw DataError("shard: rank " + std::to_string(rank) + " of a world of " +
                    std::to_string(world) + " processes; rank must be in 0 .. world - 1");
  const size_t n = order.size(), k = size_t(world);
  const size_t total = pad && n > 0 ? (n + k - 1) / k * k : n;
  std::vector<int64_t> shard;
  shard.reserve(total / k + 1);
  for (size_t i = size_t(rank); i < total; i += k) shard.push_back(order[i % n]);
  return shard;
}

uint64_t draw_seed(Generator& gen) {
  const uint64_t seed = gen.seed();
  return bits64(philox::generate(seed, gen.advance(1)));
}

// Each (seed, epoch, stream) gets its own key and each sample its own run of 2^16 counters.
SampleRng::SampleRng(const SampleContext& ctx)
    : key_(mix(ctx.seed ^ mix(uint64_t(ctx.epoch) ^ mix(ctx.stream)))),
      counter_(uint64_t(ctx.index) << 16) {}

double SampleRng::uniform() {
  if (next_ + 2 > 4) {
    philox::Block b = philox::generate(key_, counter_++);
    for (int k = 0; k < 4; ++k) words_[k] = b.v[k];
    next_ = 0;
  }
  const double u = philox::to_double(words_[next_], words_[next_ + 1]);
  next_ += 2;
  return u;
}

int64_t SampleRng::integer(int64_t low, int64_t high) {
  const double span = double(high - low + 1);
  const int64_t v = low + int64_t(uniform() * span);
  return v > high ? high : v;  // guards rounding at the top of the range
}

}  // namespace nw::data
