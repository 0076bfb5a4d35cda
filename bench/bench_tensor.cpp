// Micro-benchmarks of the tensor core on one thread, each paired with the PyTorch operation that
// bench/compare_tensor_ops.py times in the same invocation:
//   BM_nw_matmul_1024        nw::matmul, float32 (1024, 1024) x (1024, 1024)  ~ torch.mm
//   BM_openblas_sgemm_1024   cblas_sgemm on the same buffers: the ceiling for the line above
//   BM_nw_add_16M            a + b, 16M contiguous floats (allocates the result, as torch does)
//   BM_nw_add_inplace_16M    a.add_(b): the same kernel without allocating (informational)
//   BM_nw_sum_16M            x.sum(), 16M floats
//   BM_nw_tiny_add_autograd  a + b on 2x2 tensors that require grad: per-op overhead, no backward
#include <benchmark/benchmark.h>
#include <cblas.h>

#include "cpu/threads.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace {

constexpr int64_t kMatN = 1024;
constexpr int64_t kBig = int64_t{16} << 20;  // 16M elements, 64 MiB of float32

// GFLOP per 1024^3 product as a rate: printed "GFLOP=96.1/s"; the JSON value is GFLOP/s.
void set_gemm_counter(benchmark::State& state) {
  const double gflop = 2.0 * kMatN * kMatN * kMatN / 1e9;
  state.counters["GFLOP"] =
      benchmark::Counter(gflop, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_nw_matmul_1024(benchmark::State& state) {
  nw::manual_seed(1);
  nw::Tensor a = nw::rand({kMatN, kMatN});
  nw::Tensor b = nw::rand({kMatN, kMatN});
  for (auto _ : state) {
    nw::Tensor c = nw::matmul(a, b);
    benchmark::DoNotOptimize(c.raw_data());
  }
  set_gemm_counter(state);
}
BENCHMARK(BM_nw_matmul_1024)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_openblas_sgemm_1024(benchmark::State& state) {
  nw::manual_seed(1);
  nw::Tensor a = nw::rand({kMatN, kMatN});
  nw::Tensor b = nw::rand({kMatN, kMatN});
  nw::Tensor c = nw::zeros({kMatN, kMatN});
  const int n = static_cast<int>(kMatN);
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a.data_ptr<float>(), n,
                b.data_ptr<float>(), n, 0.0f, c.data_ptr<float>(), n);
    benchmark::ClobberMemory();
  }
  set_gemm_counter(state);
}
BENCHMARK(BM_openblas_sgemm_1024)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_nw_add_16M(benchmark::State& state) {
  nw::manual_seed(2);
  nw::Tensor a = nw::rand({kBig});
  nw::Tensor b = nw::rand({kBig});
  for (auto _ : state) {
    nw::Tensor c = a + b;
    benchmark::DoNotOptimize(c.raw_data());
  }
  // Two reads and one write per element.
  state.SetBytesProcessed(state.iterations() * 3 * kBig * int64_t{sizeof(float)});
}
BENCHMARK(BM_nw_add_16M)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_nw_add_inplace_16M(benchmark::State& state) {
  nw::manual_seed(2);
  nw::Tensor a = nw::rand({kBig});
  nw::Tensor b = nw::rand({kBig});
  for (auto _ : state) {
    a.add_(b);
    benchmark::DoNotOptimize(a.raw_data());
  }
  state.SetBytesProcessed(state.iterations() * 3 * kBig * int64_t{sizeof(float)});
}
BENCHMARK(BM_nw_add_inplace_16M)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_nw_sum_16M(benchmark::State& state) {
  nw::manual_seed(3);
  nw::Tensor x = nw::rand({kBig});
  for (auto _ : state) {
    nw::Tensor s = x.sum();
    benchmark::DoNotOptimize(s.raw_data());
  }
  state.SetBytesProcessed(state.iterations() * kBig * int64_t{sizeof(float)});
}
BENCHMARK(BM_nw_sum_16M)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_nw_tiny_add_autograd(benchmark::State& state) {
  nw::Tensor a = nw::ones({2, 2}, nw::TensorOptions().requires_grad());
  nw::Tensor b = nw::ones({2, 2}, nw::TensorOptions().requires_grad());
  for (auto _ : state) {
    nw::Tensor c = a + b;  // records AddBackward0; the graph dies with c
    benchmark::DoNotOptimize(c.raw_data());
  }
}
BENCHMARK(BM_nw_tiny_add_autograd)->Unit(benchmark::kNanosecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  nw::start_with_passive_openmp(argv);
  // One thread for Netwright's kernels and OpenBLAS (nw::set_num_threads sets both), to match
  // PyTorch at torch.set_num_threads(1) with OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1.
  nw::set_num_threads(1);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
