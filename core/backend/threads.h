#pragma once
// The process-wide host thread count, honoured by every host loop (core/cpu/'s kernels, the fused
// optimizer and softmax loops) and by OpenBLAS. Declared here, below every folder that runs host
// loops; defined in core/cpu/threads.cpp, where OpenBLAS is told.
#include <cstdint>

namespace nw {

// n <= 0 restores the default: OMP_NUM_THREADS if set, else every physical core this process
// may run on (its affinity mask, one per core however many hardware threads it has).
void set_num_threads(int n);
int get_num_threads();
int physical_cores();

// Whether OpenBLAS runs its threads in the same OpenMP pool as the host loops (its OpenMP build,
// which the build's run path selects), rather than a pool of its own.
bool blas_shares_openmp_pool();

// libgomp reads its wait policy once, as it loads, before main() runs; so a program's main()
// calls this first. When neither OMP_WAIT_POLICY nor GOMP_SPINCOUNT is set it sets a passive
// policy with a short spin (kWorkerSpins; none when OpenBLAS keeps its own threads) and executes
// the program again, once (the environment then carries it to child processes too). Workers that
// spin long take the core another thread needs (at 2 threads on 2 cores the MLP trained 3.4x
// slower than at 1); workers that sleep at once pay a futex wake per parallel region. A policy
// the user set is kept, and a failed re-execution carries on as before.
void start_with_passive_openmp(char** argv);
// About 0.1 ms of spinning on this machine (libgomp's loop, measured here).
inline constexpr const char* kWorkerSpins = "10000";

// Host loops over fewer elements than this run on one thread: a parallel region costs more.
inline constexpr int64_t kParallelGrain = 32768;

}  // namespace nw
