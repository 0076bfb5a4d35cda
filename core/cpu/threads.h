#pragma once
// The thread-count setting lives in backend/threads.h (kernels above core/cpu/ read it too); this
// header adds what only core/cpu/'s kernels need, and the front ends and benchmarks include it.
#include "backend/threads.h"

namespace nw {

// OpenBLAS at one thread for a scope whose own parallel region calls it from every thread. Its
// OpenMP build runs serially inside an active region anyway (measured: no difference); its
// pthread build would start its own threads from every caller and oversubscribe the cores.
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
