#include "data/subset.h"

#include <cmath>
#include <string>

#include "data/data_error.h"
#include "data/sampling.h"

namespace nw::data {

Subset::Subset(std::shared_ptr<const Dataset> base, std::vector<int64_t> indices)
    : base_(std::move(base)), indices_(std::move(indices)) {
  if (!base_) throw DataError("Subset: the base dataset is null; pass a dataset to take from");
  const int64_t n = base_->size();
  for (size_t i = 0; i < indices_.size(); ++i)
    if (indices_[i] < 0 || indices_[i] >= n)
      throw IndexError("Subset: index " + std::to_string(indices_[i]) + " (entry " +
                       std::to_string(i) + ") is out of range for a base dataset of " +
                       std::to_string(n) + " samples");
}

int64_t Subset::base_index(int64_t index) const {
  check_sample_index(index, size(), "Subset");
  return indices_[size_t(index)];
}

Example Subset::get(int64_t index) const {
  return base_->get(base_index(index));
}

Example Subset::get_for_epoch(int64_t index, int64_t epoch) const {
  return base_->get_for_epoch(base_index(index), epoch);
}

Example Subset::get_batch(const std::vector<int64_t>& indices, int64_t epoch) const {
  std::vector<int64_t> mapped;
  mapped.reserve(indices.size());
  for (int64_t i : indices) mapped.push_back(base_index(i));
  return base_->get_batch(mapped, epoch);
}

namespace {

std::vector<Subset> split_by(std::shared_ptr<const Dataset> base,
                             const std::vector<int64_t>& lengths,
                             const std::vector<int64_t>& order) {
  std::vector<Subset> parts;
  size_t at = 0;
  for (int64_t len : lengths) {
    parts.emplace_back(base, std::vector<int64_t>(order.begin() + ptrdiff_t(at),
                                                  order.begin() + ptrdiff_t(at + size_t(len))));
    at += size_t(len);
  }
  return parts;
}

void check_lengths(const Dataset* base, const std::vector<int64_t>& lengths) {
  if (!base) throw DataError("random_split: the dataset is null");
  int64_t total = 0;
  std::string listed;
  for (int64_t len : lengths) {
    if (len < 0) throw DataError("random_split: length " + std::to_string(len) + " is negative");
    total += len;
    listed += (listed.empty() ? "" : ", ") + std::to_string(len);
  }
  if (total != base->size())
    throw DataError("random_split: lengths [" + listed + "] add up to " + std::to_string(total) +
                    " but the dataset has " + std::to_string(base->size()) +
                    " samples; make them add up, or use random_split_fractions");
}

}  // namespace

std::vector<Subset> random_split(std::shared_ptr<const Dataset> base,
                                 const std::vector<int64_t>& lengths, uint64_t seed) {
  Generator gen(seed);
  return random_split(std::move(base), lengths, gen);
}

std::vector<Subset> random_split(std::shared_ptr<const Dataset> base,
                                 const std::vector<int64_t>& lengths, Generator& gen) {
  check_lengths(base.get(), lengths);
  return split_by(base, lengths, random_permutation(base->size(), gen));
}

std::vector<Subset> random_split_fractions(std::shared_ptr<const Dataset> base,
                                           const std::vector<double>& fractions, uint64_t seed) {
  if (!base) throw DataError("random_split_fractions: the dataset is null");
  double total = 0;
  for (double f : fractions) {
    if (!(f >= 0 && f <= 1))
      throw DataError("random_split_fractions: fraction " + std::to_string(f) +
                      " is not in [0, 1]");
    total += f;
  }
  if (std::abs(total - 1.0) > 1e-6)
    throw DataError("random_split_fractions: fractions add up to " + std::to_string(total) +
                    ", not 1; scale them, or pass lengths to random_split");
  const int64_t n = base->size();
  std::vector<int64_t> lengths;
  int64_t used = 0;
  for (double f : fractions) {
    lengths.push_back(int64_t(std::floor(f * double(n))));
    used += lengths.back();
  }
  for (size_t i = 0; used < n && !lengths.empty(); i = (i + 1) % lengths.size(), ++used)
    ++lengths[i];
  return random_split(std::move(base), lengths, seed);
}

}  // namespace nw::data
