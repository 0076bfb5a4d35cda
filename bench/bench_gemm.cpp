// GEMM throughput of nw::matmul on the shapes the tutorial workloads' Linear layers run, one JSON
// line per shape; bench/compare_gemm.py times torch.matmul (cuBLAS on a GPU) on the same list
// and checks issue 6's "GEMM-bound layers reach at least 90% of cuBLAS's own throughput".
// Usage: bench_gemm [--device cpu|cuda] [--batch-sizes 64 512] [--square 4096]
//                   [--min-time 0.3] [--threads 1] [--list]
// --list prints the shapes without timing them, so that the PyTorch side times exactly these.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_device.h"
#include "cpu/threads.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

using namespace nw;

namespace {

// out (m, n) = a (m, k) @ b (k, n). layout says how each operand is stored, as nn::Linear
// reads them: 'n' as shown, 't' as the transpose of a contiguous tensor (a view, no copy).
struct GemmShape {
  std::string name;
  int64_t m, k, n;
  std::string layout;
  int64_t batch;  // 0 for the square reference
};

std::vector<GemmShape> shapes(const std::vector<int64_t>& batches, int64_t square) {
  std::vector<GemmShape> out;
  for (int64_t b : batches) {
    // Forward x @ W^T, W stored (out_features, in_features).
    out.push_back({"mlp.fc1 forward", b, 784, 512, "nt", b});
    out.push_back({"mlp.fc2 forward", b, 512, 10, "nt", b});
    out.push_back({"cnn.fc1 forward", b, 1600, 128, "nt", b});
    // Backward of mlp.fc1: weight grad g^T @ x with g (B, 512); input grad g @ W.
    out.push_back({"mlp.fc1 weight grad", 512, b, 784, "tn", b});
    out.push_back({"mlp.fc1 input grad", b, 512, 784, "nn", b});
  }
  if (square > 0) out.push_back({"square", square, square, square, "nn", 0});
  return out;
}

Tensor operand(int64_t rows, int64_t cols, char layout, const Device& dev) {
  const TensorOptions on = TensorOptions(kFloat32).device(dev);
  return layout == 't' ? rand({cols, rows}, on).t() : rand({rows, cols}, on);
}

// Seconds for `reps` products, ending on a host read: on CUDA that waits for every launch.
double time_calls(const Tensor& a, const Tensor& b, int64_t reps) {
  const auto t0 = std::chrono::steady_clock::now();
  Tensor c;
  for (int64_t i = 0; i < reps; ++i) c = matmul(a, b);
  c.narrow(0, 0, 1).narrow(1, 0, 1).item<float>();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Timing {
  int64_t reps;
  double seconds;
};

// Warms up (cuBLAS handle and heuristics, the caching allocator), then grows the repetition
// count until one timed run lasts min_time, as Google Benchmark does; the last run counts.
Timing measure(const Tensor& a, const Tensor& b, double min_time) {
  time_calls(a, b, 3);
  Timing t{1, time_calls(a, b, 1)};
  while (t.seconds < min_time) {
    const double grow = 1.4 * min_time / std::max(t.seconds, 1e-9);
    t.reps = std::max(t.reps + 1, int64_t(double(t.reps) * std::min(grow, 100.0)));
    t.seconds = time_calls(a, b, t.reps);
  }
  return t;
}

struct Args {
  std::string device = "cpu";
  std::vector<int64_t> batches{64, 512};
  int64_t square = 4096;
  double min_time = 0.3;
  int threads = 1;
  bool list = false;
};

bool parse(int argc, char** argv, Args& a) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const bool has_value = i + 1 < argc;
    if (flag == "--list") {
      a.list = true;
    } else if (flag == "--batch-sizes") {
      a.batches.clear();
      while (i + 1 < argc && argv[i + 1][0] != '-') a.batches.push_back(std::atoll(argv[++i]));
    } else if (has_value && flag == "--device") {
      a.device = argv[++i];
    } else if (has_value && flag == "--square") {
      a.square = std::atoll(argv[++i]);
    } else if (has_value && flag == "--min-time") {
      a.min_time = std::atof(argv[++i]);
    } else if (has_value && flag == "--threads") {
      a.threads = std::atoi(argv[++i]);
    } else {
      return false;
    }
  }
  return a.threads > 0 &&
         std::all_of(a.batches.begin(), a.batches.end(), [](int64_t b) { return b > 0; });
}

}  // namespace

int main(int argc, char** argv) {
  nw::start_with_passive_openmp(argv);
  Args a;
  if (!parse(argc, argv, a)) {
    std::fprintf(stderr,
                 "usage: bench_gemm [--device cpu|cuda] [--batch-sizes 64 512] [--square 4096] "
                 "[--min-time 0.3] [--threads 1] [--list]\n");
    return 2;
  }
  try {
    const Device dev(a.device == "cuda" ? "cuda:0" : a.device);
    if (!a.list && !bench::device_usable(dev)) return bench::kCudaUnavailable;
    set_num_threads(a.threads);
    manual_seed(1);
    for (const GemmShape& s : shapes(a.batches, a.square)) {
      nlohmann::ordered_json r = {
          {"side", "netwright"}, {"name", s.name},  {"m", s.m}, {"k", s.k}, {"n", s.n},
          {"layout", s.layout},  {"batch", s.batch}};
      if (!a.list) {
        const Tensor x = operand(s.m, s.k, s.layout[0], dev);
        const Tensor w = operand(s.k, s.n, s.layout[1], dev);
        const Timing t = measure(x, w, a.min_time);
        const double per_call = t.seconds / double(t.reps);
        r["device"] = bench::device_label(dev);
        r["device_detail"] = bench::device_detail(dev);
        r["threads"] = a.threads;
        r["reps"] = t.reps;
        r["us_per_call"] = per_call * 1e6;
        r["gflops"] = 2.0 * double(s.m) * double(s.k) * double(s.n) / per_call / 1e9;
      }
      std::printf("%s\n", r.dump().c_str());
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_gemm: %s\n", e.what());
    return 1;
  }
  return 0;
}
