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

// Host loops over fewer elements than this run on one thread: a parallel region costs more.
inline constexpr int64_t kParallelGrain = 32768;

}  // namespace nw
