#pragma once
// The process-wide host thread count, honoured by every host loop (core/cpu/'s kernels, the fused
// optimizer and softmax loops) and by OpenBLAS. Declared here, below every folder that runs host
// loops; defined in core/cpu/threads.cpp, where OpenBLAS is told.
#include <cstdint>

namespace nw {

// n <= 0 restores the default: OMP_NUM_THREADS if set, else half the hardware threads (as
// PyTorch).
void set_num_threads(int n);
int get_num_threads();

// OpenMP workers that spin after a parallel region take the core OpenBLAS's threads need: at 2
// threads on 2 cores the MLP trained 3.4x slower than at 1, and 1.4x faster with sleeping
// workers. libgomp reads its wait policy once, as it loads, before main() runs; so a program's
// main() calls this first. When OMP_WAIT_POLICY is unset it sets PASSIVE and executes the
// program again, once (the environment then carries it to child processes too); a policy the
// user set is kept, and a failed re-execution carries on as before.
void start_with_passive_openmp(char** argv);

// Host loops over fewer elements than this run on one thread: a parallel region costs more.
inline constexpr int64_t kParallelGrain = 32768;

}  // namespace nw
