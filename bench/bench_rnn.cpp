// Per-batch time of the tutorial's recurrent classifier, forward and backward apart:
// LSTM (or GRU) (28, 128, 2 layers, batch_first) over 28 steps of 28 features, the last step into
// Linear(128, 10) and cross entropy, batch 64. bench/compare_rnn.py runs it beside PyTorch.
//
//   bench_rnn {lstm|gru} [--threads N] [--iters N] [--time-major]
//
// Prints one JSON line of medians in ms: wall time and this thread's CPU time (with one thread
// the CPU time leaves out the moments the host runs something else, so it is the steadier figure
// on a shared machine).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "autograd/grad_mode.h"
#include "cpu/threads.h"
#include "nn/layers/rnn.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace {

using namespace nw;

struct Stamp {
  double wall, cpu;
  static Stamp now() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    const auto w = std::chrono::steady_clock::now().time_since_epoch();
    return {std::chrono::duration<double, std::milli>(w).count(),
            ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6};
  }
};

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  nw::start_with_passive_openmp(argv);
  if (argc < 2 || (std::strcmp(argv[1], "lstm") != 0 && std::strcmp(argv[1], "gru") != 0)) {
    std::fprintf(stderr, "usage: bench_rnn {lstm|gru} [--threads N] [--iters N] [--time-major]\n");
    return 2;
  }
  const bool gru = std::strcmp(argv[1], "gru") == 0;
  int threads = 1, iters = 200;
  bool batch_first = true;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--threads" && i + 1 < argc) threads = std::atoi(argv[++i]);
    if (a == "--iters" && i + 1 < argc) iters = std::atoi(argv[++i]);
    if (a == "--time-major") batch_first = false;
  }
  set_num_threads(threads);
  manual_seed(0);
  const int64_t N = 64, T = 28, I = 28, H = 128;
  std::shared_ptr<nn::RNNBase> rnn;
  if (gru)
    rnn = std::make_shared<nn::GRU>(I, H, 2, true, batch_first);
  else
    rnn = std::make_shared<nn::LSTM>(I, H, 2, true, batch_first);
  Tensor w = (randn({10, H}) * 0.1).requires_grad_();
  Tensor b = zeros({10}).requires_grad_();
  const Tensor x = batch_first ? randn({N, T, I}) : randn({T, N, I});
  const Tensor y = randint(0, 10, {N});

  std::vector<double> fwd_wall, fwd_cpu, bwd_wall, bwd_cpu, inf_wall, inf_cpu;
  for (int it = 0; it < iters + 20; ++it) {
    const Stamp t0 = Stamp::now();
    Tensor last = rnn->forward(x).select(batch_first ? 1 : 0, T - 1);
    Tensor logits = matmul(last, w.t()) + b;
    Tensor loss = (logsumexp(logits, {1}) - logits.gather(1, y.unsqueeze(1)).squeeze(1)).mean();
    const Stamp t1 = Stamp::now();
    loss.backward();
    const Stamp t2 = Stamp::now();
    rnn->zero_grad();
    w.set_grad(Tensor());
    b.set_grad(Tensor());
    if (it < 20) continue;  // warm-up: allocator caches, OpenBLAS buffers
    fwd_wall.push_back(t1.wall - t0.wall);
    fwd_cpu.push_back(t1.cpu - t0.cpu);
    bwd_wall.push_back(t2.wall - t1.wall);
    bwd_cpu.push_back(t2.cpu - t1.cpu);
  }
  {
    NoGradGuard no_grad;
    for (int it = 0; it < iters / 2; ++it) {
      const Stamp t0 = Stamp::now();
      rnn->forward(x);
      const Stamp t1 = Stamp::now();
      inf_wall.push_back(t1.wall - t0.wall);
      inf_cpu.push_back(t1.cpu - t0.cpu);
    }
  }
  std::printf(
      "{\"side\": \"netwright\", \"cell\": \"%s\", \"threads\": %d, \"fwd_wall\": %.3f, "
      "\"bwd_wall\": %.3f, \"nograd_wall\": %.3f, \"fwd_cpu\": %.3f, \"bwd_cpu\": %.3f, "
      "\"nograd_cpu\": %.3f}\n",
      gru ? "gru" : "lstm", threads, median(fwd_wall), median(bwd_wall), median(inf_wall),
      median(fwd_cpu), median(bwd_cpu), median(inf_cpu));
}
