#pragma once
// Loads batches 0 .. n-1 on background threads and hands them out in order. Workers claim batch
// numbers one at a time and may run at most `capacity` batches ahead of the consumer, so memory
// stays bounded; the consumer waits only for the batch it asks for. Each batch is a pure function
// of its number, so the output does not depend on how many workers there are.
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "data/dataset.h"

namespace nw::data {

class Prefetcher {
 public:
  using Load = std::function<Example(int64_t batch)>;

  Prefetcher(int64_t num_batches, int num_workers, int64_t capacity, Load load);
  // Stops the workers and joins them; a batch being loaded is finished first.
  ~Prefetcher();
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  // Blocks until `batch` is loaded and returns it; rethrows what its load threw. Batches must be
  // taken in order: 0, 1, 2, ...
  Example take(int64_t batch);

 private:
  struct Slot {
    Example batch;
    std::exception_ptr error;
  };
  void work();
  void shutdown();

  const int64_t num_batches_;
  const int64_t capacity_;
  Load load_;
  std::mutex mu_;
  std::condition_variable ready_;  // a slot was filled
  std::condition_variable space_;  // the consumer took a batch, or stop
  std::map<int64_t, Slot> done_;
  int64_t next_claim_ = 0;
  int64_t next_take_ = 0;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace nw::data
