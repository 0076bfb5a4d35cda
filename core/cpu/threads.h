#pragma once
// The process-wide CPU thread count, honoured by Netwright's kernels and by OpenBLAS.

namespace nw {

// n <= 0 restores the default: OMP_NUM_THREADS if set, else half the hardware threads (as
// PyTorch).
void set_num_threads(int n);
int get_num_threads();

}  // namespace nw
