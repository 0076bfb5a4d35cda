#include "backend/math_mode.h"

#include <atomic>

namespace nw {

namespace {
std::atomic<bool> tf32{false};
std::atomic<bool> benchmark{false};
}  // namespace

void set_allow_tf32(bool allow) {
  tf32.store(allow, std::memory_order_relaxed);
}

bool allow_tf32() {
  return tf32.load(std::memory_order_relaxed);
}

void set_cudnn_benchmark(bool on) {
  benchmark.store(on, std::memory_order_relaxed);
}

bool cudnn_benchmark() {
  return benchmark.load(std::memory_order_relaxed);
}

}  // namespace nw
