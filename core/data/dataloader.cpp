#include "data/dataloader.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "autograd/grad_mode.h"
#include "data/data_error.h"
#include "data/prefetcher.h"
#include "data/sampling.h"

namespace nw::data {

struct DataLoader::Impl {
  std::shared_ptr<const Dataset> dataset;
  DataLoaderOptions options;
  uint64_t seed = 0;
  int64_t next_epoch = 0;

  // The pass in progress: its number (to catch stale iterators), epoch and sample order.
  uint64_t pass = 0;
  int64_t pass_epoch = 0;
  std::vector<int64_t> order;
  std::unique_ptr<Prefetcher> prefetcher;

  // Samples this rank visits per epoch.
  int64_t shard_size() const {
    const int64_t n = dataset->size(), k = options.shard_world_, r = options.shard_rank_;
    if (k == 1) return n;
    return options.shard_pad_ ? (n + k - 1) / k : (n - r + k - 1) / k;
  }

  int64_t num_batches() const {
    const int64_t n = shard_size(), bs = options.batch_size_;
    return options.drop_last_ ? n / bs : (n + bs - 1) / bs;
  }

  // The whole epoch's order is drawn alike on every rank (it depends on the seed and the epoch
  // alone); the shard is taken from it.
  std::vector<int64_t> order_of(int64_t epoch) const {
    const int64_t n = dataset->size();
    std::vector<int64_t> o;
    if (options.shuffle_) {
      o = random_permutation(n, seed, uint64_t(epoch) * uint64_t(n));
    } else {
      o.resize(static_cast<size_t>(n));
      std::iota(o.begin(), o.end(), int64_t(0));
    }
    if (options.shard_world_ == 1) return o;
    return shard_of(o, options.shard_rank_, options.shard_world_, options.shard_pad_);
  }

  // Batch `batch` of the current pass. A pure function of (order, epoch, batch): what keeps the
  // batches identical whatever the number of workers.
  Example load(int64_t batch) const {
    const size_t bs = size_t(options.batch_size_);
    const size_t begin = size_t(batch) * bs, end = std::min(order.size(), begin + bs);
    std::vector<int64_t> indices(order.begin() + ptrdiff_t(begin), order.begin() + ptrdiff_t(end));
    if (!options.collate_) return dataset->get_batch(indices, pass_epoch);
    std::vector<Example> samples;
    samples.reserve(indices.size());
    for (int64_t i : indices) samples.push_back(dataset->get_for_epoch(i, pass_epoch));
    return options.collate_(samples);
  }

  Example fetch(int64_t batch, uint64_t for_pass) {
    if (for_pass != pass)
      throw DataError(
          "DataLoader: this iterator belongs to an earlier pass over the loader, "
          "which a later begin() ended; iterate with the newest begin()");
    if (!prefetcher) {
      NoGradGuard no_grad;
      return load(batch);
    }
    Example b = prefetcher->take(batch);
    if (batch + 1 == num_batches()) prefetcher.reset();  // the workers are done: join them now
    return b;
  }

  void start_pass() {
    prefetcher.reset();  // joins the workers of an unfinished pass first
    ++pass;
    pass_epoch = next_epoch++;
    order = order_of(pass_epoch);
    const int64_t batches = num_batches();
    if (options.num_workers_ > 0 && batches > 0)
      prefetcher = std::make_unique<Prefetcher>(
          batches, options.num_workers_,
          int64_t(options.num_workers_) * int64_t(options.prefetch_factor_),
          [this](int64_t b) { return load(b); });
  }
};

DataLoader::DataLoader(std::shared_ptr<const Dataset> dataset, DataLoaderOptions options)
    : impl_(std::make_unique<Impl>()) {
  if (!dataset) throw DataError("DataLoader: the dataset is null; pass a dataset to load from");
  if (dataset->size() == 0)
    throw DataError(
        "DataLoader: the dataset is empty (0 samples); check the files or the split "
        "it was made from");
  if (options.batch_size_ < 1)
    throw DataError("DataLoader: batch_size must be at least 1, got " +
                    std::to_string(options.batch_size_) + "; e.g. DataLoaderOptions(64)");
  if (options.num_workers_ < 0)
    throw DataError("DataLoader: num_workers must be 0 (load on the calling thread) or more, got " +
                    std::to_string(options.num_workers_));
  if (options.shard_world_ < 1 || options.shard_rank_ < 0 ||
      options.shard_rank_ >= options.shard_world_)
    throw DataError("DataLoader: shard(" + std::to_string(options.shard_rank_) + ", " +
                    std::to_string(options.shard_world_) +
                    "): the rank must lie in 0 .. world - 1 and the world be at least 1");
  if (options.prefetch_factor_ < 1)
    throw DataError("DataLoader: prefetch_factor must be at least 1, got " +
                    std::to_string(options.prefetch_factor_));
  impl_->dataset = std::move(dataset);
  impl_->seed = options.seed_ ? *options.seed_ : draw_seed(default_generator());
  impl_->options = std::move(options);
}

DataLoader::~DataLoader() = default;
DataLoader::DataLoader(DataLoader&&) noexcept = default;
DataLoader& DataLoader::operator=(DataLoader&&) noexcept = default;

int64_t DataLoader::size() const {
  return impl_->num_batches();
}

DataLoader::Iterator DataLoader::begin() {
  impl_->start_pass();
  Iterator it(impl_.get(), 0, impl_->pass);
  if (impl_->num_batches() > 0) it.current_ = impl_->fetch(0, impl_->pass);
  return it;
}

DataLoader::Iterator DataLoader::end() {
  return Iterator(impl_.get(), impl_->num_batches(), impl_->pass);
}

const Example& DataLoader::Iterator::operator*() const {
  if (!current_.data.defined())
    throw DataError(
        "DataLoader: dereferenced an iterator that holds no batch (at the end, or "
        "copied before begin() loaded one)");
  return current_;
}

DataLoader::Iterator& DataLoader::Iterator::operator++() {
  current_ = Example();
  ++batch_;
  if (batch_ < impl_->num_batches()) current_ = impl_->fetch(batch_, pass_);
  return *this;
}

int64_t DataLoader::epoch() const {
  return impl_->next_epoch;
}

void DataLoader::set_epoch(int64_t epoch) {
  if (epoch < 0)
    throw DataError("DataLoader: set_epoch takes an epoch >= 0, got " + std::to_string(epoch));
  impl_->next_epoch = epoch;
}

uint64_t DataLoader::seed() const {
  return impl_->seed;
}

std::vector<int64_t> DataLoader::sample_order(int64_t epoch) const {
  std::vector<int64_t> o = impl_->order_of(epoch);
  if (impl_->options.drop_last_) o.resize(size_t(size() * impl_->options.batch_size_));
  return o;
}

const Dataset& DataLoader::dataset() const {
  return *impl_->dataset;
}

const DataLoaderOptions& DataLoader::options() const {
  return impl_->options;
}

}  // namespace nw::data
