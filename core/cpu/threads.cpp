#include "cpu/threads.h"

#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <thread>

extern "C" {
void openblas_set_num_threads(int num_threads);
int openblas_get_parallel(void);  // 0 sequential, 1 its own pthreads, 2 OpenMP
}

namespace nw {

namespace {

// The default: OMP_NUM_THREADS when set (as PyTorch and OpenBLAS honour it), else one thread per
// physical core this process may run on. A second hardware thread of a core shares its FMA units,
// so it adds nothing to GEMM-bound work and costs a wake-up per parallel region.
int default_threads() {
  if (const char* env = std::getenv("OMP_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n > 0) return n;
  }
  return physical_cores();
}

std::atomic<int>& setting() {
  static std::atomic<int> n{[] {
    int h = default_threads();
    openblas_set_num_threads(h);
    return h;
  }()};
  return n;
}

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

int physical_cores() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) {
    unsigned n = std::thread::hardware_concurrency();
    return n > 0 ? int(n) : 1;
  }
  // Hardware threads of one core list the same siblings; a CPU whose topology is unreadable
  // (some containers) counts as a core of its own.
  std::set<std::string> cores;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (!CPU_ISSET(cpu, &allowed)) continue;
    const std::string base = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
    std::string siblings = first_line(base + "core_cpus_list");
    if (siblings.empty()) siblings = first_line(base + "thread_siblings_list");
    cores.insert(siblings.empty() ? "cpu" + std::to_string(cpu) : siblings);
  }
  return cores.empty() ? 1 : int(cores.size());
}

void set_num_threads(int n) {
  if (n <= 0) n = default_threads();
  setting().store(n);
  openblas_set_num_threads(n);
}

int get_num_threads() {
  return setting().load();
}

SerialBlasScope::SerialBlasScope(bool on) : on_(on) {
  if (on_) openblas_set_num_threads(1);
}
SerialBlasScope::~SerialBlasScope() {
  if (on_) openblas_set_num_threads(get_num_threads());
}

bool blas_shares_openmp_pool() {
  return openblas_get_parallel() == 2;
}

void start_with_passive_openmp(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT") || !argv || !argv[0]) return;
  // With one pool a worker that spins a moment after its region catches the next one without a
  // futex wake (the MLP at 2 threads: 51,400 samples/s sleeping at once, 66,600 after 10,000
  // spins); with OpenBLAS's own pthreads beside it, any spinning takes their core (27,900).
  const char* spins = blas_shares_openmp_pool() ? kWorkerSpins : "0";
  if (setenv("OMP_WAIT_POLICY", "PASSIVE", 0) != 0 || setenv("GOMP_SPINCOUNT", spins, 0) != 0)
    return;
  execv("/proc/self/exe", argv);  // returns only on failure: carry on with libgomp's defaults
}

}  // namespace nw
