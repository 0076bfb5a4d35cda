#pragma once
// The batch-sliced time loop of the CPU recurrent kernels (cpu_rnn.h: batch_slices). Only
// rnn_lstm.cpp and rnn_gru.cpp include it: it needs OpenMP, which the tests' build does not have.
#include <cstdint>

#include "cpu/cpu_rnn.h"
#include "cpu/threads.h"

namespace nw::cpu::rnn {

// Calls body(slice, first_sequence, sequences) for each of `slices` slices of the batch, each on
// its own thread, with OpenBLAS held at one thread meanwhile: every thread calls it at once
// (SerialBlasScope says why).
template <typename Body>
void for_each_slice(int64_t batch, int slices, Body&& body) {
  const SerialBlasScope serial_blas(slices > 1);
#pragma omp parallel for num_threads(slices) schedule(static, 1) if (slices > 1)
  for (int s = 0; s < slices; ++s) {
    const int64_t first = slice_begin(batch, slices, s);
    body(s, first, slice_begin(batch, slices, s + 1) - first);
  }
}

}  // namespace nw::cpu::rnn
