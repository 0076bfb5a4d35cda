#include "backend/threads.h"

#include <atomic>
#include <cstdlib>
#include <thread>

#include <unistd.h>

extern "C" void openblas_set_num_threads(int num_threads);

namespace nw {

namespace {
// The default: OMP_NUM_THREADS when set (as PyTorch and OpenBLAS honour it), else half the
// hardware threads, as PyTorch does (it assumes two hardware threads per core).
// NOTE: more threads than cores is slower, not faster. Spinning OpenMP workers took the core
// OpenBLAS's own threads need (a CNN epoch on 2 vCPUs ran at under half its one-thread speed);
// the programs now start with a passive wait policy (start_with_passive_openmp), but OpenBLAS's
// pthreads still wait on their own, so one thread per core until one pool serves both.
int hardware_threads() {
  if (const char* env = std::getenv("OMP_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n > 0) return n;
  }
  unsigned n = std::thread::hardware_concurrency();
  return n >= 2 ? int(n / 2) : 1;
}
std::atomic<int>& setting() {
  static std::atomic<int> n{[] {
    int h = hardware_threads();
    openblas_set_num_threads(h);
    return h;
  }()};
  return n;
}
}  // namespace

void set_num_threads(int n) {
  if (n <= 0) n = hardware_threads();
  setting().store(n);
  openblas_set_num_threads(n);
}

int get_num_threads() {
  return setting().load();
}

void start_with_passive_openmp(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") || !argv || !argv[0]) return;
  if (setenv("OMP_WAIT_POLICY", "PASSIVE", 0) != 0) return;
  execv("/proc/self/exe", argv);  // returns only on failure: carry on with the spinning policy
}

}  // namespace nw
