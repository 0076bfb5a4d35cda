#pragma once
// The seedable source of every random draw. It is counter-based (Philox 4x32-10): a draw is a pure
// function of (seed, offset), so the CPU and a GPU produce the same numbers for the same seed.
#include <cstdint>

namespace nw {

class Generator {
 public:
  explicit Generator(uint64_t seed = 67280421310721ULL) : seed_(seed) {}
  void manual_seed(uint64_t seed) {
    seed_ = seed;
    offset_ = 0;
  }
  uint64_t seed() const { return seed_; }
  uint64_t offset() const { return offset_; }
  // Reserves `n` 128-bit counters and returns the first; callers draw 4 x 32 bits per counter.
  uint64_t advance(uint64_t n) {
    uint64_t o = offset_;
    offset_ += n;
    return o;
  }
  void set_offset(uint64_t o) { offset_ = o; }

 private:
  uint64_t seed_;
  uint64_t offset_ = 0;
};

Generator& default_generator();
void manual_seed(uint64_t seed);

}  // namespace nw
