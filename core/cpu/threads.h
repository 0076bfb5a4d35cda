#pragma once
// The thread-count setting lives in backend/threads.h (kernels above core/cpu/ read it too); this
// header adds what only core/cpu/'s kernels need, and the front ends and benchmarks include it.
#include "backend/threads.h"

namespace nw {

// OpenBLAS at one thread for a scope whose own parallel region calls it from every thread. Its
// OpenMP build does not notice that it already runs inside a team: each call would start a
// region of its own, and the LSTM's sliced steps ran 1.4x slower at 2 threads than at 1.
class SerialBlasScope {
 public:
  explicit SerialBlasScope(bool on);
  ~SerialBlasScope();
  SerialBlasScope(const SerialBlasScope&) = delete;
  SerialBlasScope& operator=(const SerialBlasScope&) = delete;

 private:
  bool on_;
};

}  // namespace nw
