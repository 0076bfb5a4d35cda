#pragma once
// Batches from a dataset, as torch.utils.data.DataLoader:
//
//   DataLoader loader(train, DataLoaderOptions(64).shuffle(true).seed(1234));
//   for (int epoch = 0; epoch < 3; ++epoch)
//     for (const auto& [x, y] : loader) { ... }   // x: (64, 1, 28, 28), y: (64,)
//
// Each begin() starts a new epoch. With shuffle, epoch e's order is a Philox permutation of
// (seed, e), so it changes every epoch and is the same in every run. With num_workers > 0,
// batches are loaded ahead on background threads; they still come out in order and identical to
// the single-threaded ones.
//
// For data-parallel training each rank loads its own shard, as torch's DistributedSampler:
//   DataLoaderOptions(64).shuffle(true).seed(1234).shard(rank, world)
// The epoch's order is drawn as for one process, padded to a multiple of `world` by repeating its
// first indices, and rank r takes positions r, r + world, r + 2 world, ... So the ranks' i-th
// batches together hold the samples of one process's i-th batch at batch size world x 64.
#include <concepts>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <vector>

#include "data/dataset.h"

namespace nw::data {

// Turns the samples of one batch into batch tensors (see collate_stack).
using Collate = std::function<Example(const std::vector<Example>& samples)>;

// Set with chained calls, as TensorOptions and libtorch's DataLoaderOptions:
//   DataLoaderOptions(64).shuffle(true).num_workers(2).seed(1234)
struct DataLoaderOptions {
  DataLoaderOptions() = default;
  explicit DataLoaderOptions(int64_t batch_size) : batch_size_(batch_size) {}

  DataLoaderOptions batch_size(int64_t n) const { return with(&DataLoaderOptions::batch_size_, n); }
  DataLoaderOptions shuffle(bool on = true) const { return with(&DataLoaderOptions::shuffle_, on); }
  // Drop the last batch when it is smaller than batch_size.
  DataLoaderOptions drop_last(bool on = true) const {
    return with(&DataLoaderOptions::drop_last_, on);
  }
  // 0 loads on the calling thread.
  DataLoaderOptions num_workers(int n) const { return with(&DataLoaderOptions::num_workers_, n); }
  // Batches each worker may load ahead of the consumer.
  DataLoaderOptions prefetch_factor(int n) const {
    return with(&DataLoaderOptions::prefetch_factor_, n);
  }
  DataLoaderOptions seed(uint64_t s) const {
    return with(&DataLoaderOptions::seed_, std::optional<uint64_t>(s));
  }
  DataLoaderOptions collate(Collate c) const {
    return with(&DataLoaderOptions::collate_, std::move(c));
  }
  // Rank `rank` of `world` loads positions rank, rank + world, ... of each epoch's order. pad:
  // repeat the order's first indices up to a multiple of world, so every rank has as many
  // batches (training); without it the shards are an exact split (evaluation, where a duplicate
  // would count twice).
  DataLoaderOptions shard(int rank, int world, bool pad = true) const {
    DataLoaderOptions o = *this;
    o.shard_rank_ = rank;
    o.shard_world_ = world;
    o.shard_pad_ = pad;
    return o;
  }

  int64_t batch_size_ = 1;
  bool shuffle_ = false;
  bool drop_last_ = false;
  int num_workers_ = 0;
  int prefetch_factor_ = 2;
  // The shuffle seed. Unset: drawn from nw::default_generator() when the loader is made, so
  // nw::manual_seed makes the run reproducible, as in PyTorch.
  std::optional<uint64_t> seed_;
  int shard_rank_ = 0;
  int shard_world_ = 1;
  bool shard_pad_ = true;
  // Unset: the dataset's get_batch (one gather for tensor datasets), else collate(samples).
  Collate collate_;

 private:
  template <typename T, typename V>
  DataLoaderOptions with(T DataLoaderOptions::*field, V value) const {
    DataLoaderOptions o = *this;
    o.*field = std::move(value);
    return o;
  }
};

class DataLoader {
  struct Impl;

 public:
  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Example;
    using difference_type = std::ptrdiff_t;
    using pointer = const Example*;
    using reference = const Example&;

    const Example& operator*() const;
    const Example* operator->() const { return &**this; }
    Iterator& operator++();
    bool operator==(const Iterator& o) const { return batch_ == o.batch_; }
    int64_t batch_index() const { return batch_; }

   private:
    friend class DataLoader;
    Iterator(Impl* impl, int64_t batch, uint64_t pass) : impl_(impl), batch_(batch), pass_(pass) {}
    Impl* impl_;
    int64_t batch_;
    uint64_t pass_;
    Example current_;
  };

  // Throws DataError for a null or empty dataset, batch_size < 1, num_workers < 0 or
  // prefetch_factor < 1.
  explicit DataLoader(std::shared_ptr<const Dataset> dataset, DataLoaderOptions options = {});
  template <std::derived_from<Dataset> D>
  explicit DataLoader(D dataset, DataLoaderOptions options = {})
      : DataLoader(std::make_shared<D>(std::move(dataset)), std::move(options)) {}
  // Stops and joins the workers, also in the middle of an epoch.
  ~DataLoader();
  DataLoader(DataLoader&&) noexcept;
  DataLoader& operator=(DataLoader&&) noexcept;

  int64_t size() const;  // batches per epoch
  // Starts the next epoch and loads its first batch. A second begin() ends the pass before it;
  // its iterators then throw.
  Iterator begin();
  Iterator end();

  int64_t epoch() const;  // the epoch the next begin() starts (0 at first)
  void set_epoch(int64_t epoch);
  uint64_t seed() const;
  // The sample indices epoch `epoch` visits, in order (this rank's shard).
  std::vector<int64_t> sample_order(int64_t epoch) const;
  const Dataset& dataset() const;
  const DataLoaderOptions& options() const;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace nw::data
