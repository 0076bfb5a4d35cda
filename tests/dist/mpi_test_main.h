#pragma once
// For the tests that run under `mpirun -np 2`: a main that starts and ends MPI around Qt Test, and
// all_ranks(), which makes a check fail on every rank when it fails on one, so that no rank goes
// on into a collective the failed one never joins (it would wait until ctest's timeout).
#include <QtTest>

#include "dist/communicator.h"
#include "tensor/creation.h"

namespace nw::test {

// True when `ok` holds on every rank; every rank must call it at the same point.
inline bool all_ranks(bool ok) {
  Tensor failed = full({1}, ok ? 0.0 : 1.0, kInt64);
  dist::world().all_reduce_sum(failed);
  return failed.item<int64_t>() == 0;
}

}  // namespace nw::test

#define NW_MPI_TEST_MAIN(TestClass)               \
  int main(int argc, char** argv) {               \
    nw::dist::init_world();                       \
    TestClass tc;                                 \
    const int rc = QTest::qExec(&tc, argc, argv); \
    nw::dist::finalize_world();                   \
    return rc;                                    \
  }
