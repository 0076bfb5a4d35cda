#include "backend/conv_algorithm_cache.h"

namespace nw {

namespace {

void mix(size_t& seed, uint64_t v) {
  // boost::hash_combine's constant; spreads small integers that differ in one field.
  seed ^= std::hash<uint64_t>{}(v) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
}

template <size_t N>
void mix(size_t& seed, const std::array<int64_t, N>& values) {
  for (int64_t v : values) mix(seed, uint64_t(v));
}

}  // namespace

size_t ConvProblemHash::operator()(const ConvProblem& p) const {
  size_t seed = 0;
  mix(seed, uint64_t(p.pass));
  mix(seed, uint64_t(p.device));
  mix(seed, uint64_t(p.dtype));
  mix(seed, uint64_t(p.tf32));
  mix(seed, uint64_t(p.benchmark));
  mix(seed, p.x);
  mix(seed, p.w);
  mix(seed, p.y);
  mix(seed, p.x_strides);
  mix(seed, p.y_strides);
  mix(seed, p.stride);
  mix(seed, p.pad);
  mix(seed, p.dilation);
  mix(seed, uint64_t(p.groups));
  return seed;
}

ConvAlgorithm ConvAlgorithmCache::get_or_choose(const ConvProblem& problem,
                                                const std::function<ConvAlgorithm()>& choose) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = entries_.find(problem); it != entries_.end()) {
      ++hits_;
      return it->second;
    }
    ++misses_;
  }
  // NOTE: outside the lock: a timed search runs convolutions, and another device's thread
  // should not wait for it. A throw leaves the cache as it was.
  const ConvAlgorithm chosen = choose();
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.try_emplace(problem, chosen).first->second;
}

const ConvAlgorithm* ConvAlgorithmCache::find(const ConvProblem& problem) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(problem);
  // Entries are never erased except by clear(), so the pointer stays valid until then.
  return it == entries_.end() ? nullptr : &it->second;
}

void ConvAlgorithmCache::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.clear();
  hits_ = misses_ = 0;
}

size_t ConvAlgorithmCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

int64_t ConvAlgorithmCache::hits() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return hits_;
}

int64_t ConvAlgorithmCache::misses() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return misses_;
}

}  // namespace nw
