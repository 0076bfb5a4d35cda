#include "nn/functional/kernel_path.h"

namespace nw::nn::functional::detail {

namespace {
// Per thread, like grad mode: a test forcing the composed path does not affect other threads.
thread_local bool composed_forced = false;
}  // namespace

bool composed_path_forced() {
  return composed_forced;
}

void force_composed_path(bool on) {
  composed_forced = on;
}

}  // namespace nw::nn::functional::detail
