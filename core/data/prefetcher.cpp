#include "data/prefetcher.h"

#include <string>

#include "autograd/grad_mode.h"
#include "data/data_error.h"

namespace nw::data {

Prefetcher::Prefetcher(int64_t num_batches, int num_workers, int64_t capacity, Load load)
    : num_batches_(num_batches), capacity_(capacity < 1 ? 1 : capacity), load_(std::move(load)) {
  workers_.reserve(size_t(num_workers));
  try {
    for (int i = 0; i < num_workers; ++i) workers_.emplace_back([this] { work(); });
  } catch (...) {
    shutdown();  // joins the workers already started
    throw;
  }
}

Prefetcher::~Prefetcher() {
  shutdown();
}

void Prefetcher::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  space_.notify_all();
  for (auto& w : workers_)
    if (w.joinable()) w.join();
  workers_.clear();
}

void Prefetcher::work() {
  NoGradGuard no_grad;  // grad mode is per thread; batches never carry a graph
  for (;;) {
    int64_t batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      space_.wait(lock, [&] {
        return stop_ || next_claim_ >= num_batches_ || next_claim_ < next_take_ + capacity_;
      });
      if (stop_ || next_claim_ >= num_batches_) return;
      batch = next_claim_++;
    }
    Slot slot;
    try {
      slot.batch = load_(batch);
    } catch (...) {
      slot.error = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_.emplace(batch, std::move(slot));
    }
    ready_.notify_all();
  }
}

Example Prefetcher::take(int64_t batch) {
  Slot slot;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (batch != next_take_)
      throw DataError("DataLoader: batch " + std::to_string(batch) + " was asked for, but batch " +
                      std::to_string(next_take_) + " comes next; batches are read in order");
    if (workers_.empty())
      throw DataError("DataLoader: no worker threads are running for this pass");
    ready_.wait(lock, [&] { return done_.count(batch) > 0; });
    auto it = done_.find(batch);
    slot = std::move(it->second);
    done_.erase(it);
    ++next_take_;
  }
  space_.notify_all();
  if (slot.error) std::rethrow_exception(slot.error);
  return std::move(slot.batch);
}

}  // namespace nw::data
