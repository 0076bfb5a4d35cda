// How much of the gradient exchange bucketed overlap hides behind backward (issue 18, check 4).
// An MLP (784 -> hidden x layers -> 10, float32, batch 64 per rank) takes steps of forward,
// backward and the exchange (no optimizer update: it is the same in every case):
//   compute   every rank steps on its own batch at the same time, nothing exchanged: the step of
//             one rank alone, under the same load as the others (-np 1 gives it the machine)
//   lockstep  the same, with the ranks made to meet once a step (an all-reduce of one number):
//             what synchronising alone costs, the slower rank's lead included
//   after     GradientReducer with overlap off: every bucket all-reduced after backward
//   overlap   GradientReducer with overlap on: buckets start during backward
//   exchange  the all-reduce of the gradient bytes alone, one buffer, no compute, from cold caches
//   copies    the reducer's own memory traffic alone, from cold caches: gradients into the
//             buckets, the scale by 1/K, and back into .grad (a cost the GPU path barely has)
// and prints each per-step median (the slowest rank's), with
//   hidden = 1 - (t_overlap - t_compute) / (t_after - t_compute)
// the fraction of the exchange's cost to the step that overlap removes (1: free, 0: none).
//
//   OMP_NUM_THREADS=1 mpirun --oversubscribe -np 2 bench_dist_overlap [--hidden 1024]
//     [--layers 2] [--batch 64] [--bucket-kib 1024] [--steps 20] [--rounds 5]
//
// The cases alternate round by round, and each figure is the median over rounds, so a slower
// minute on a shared host lands on every case alike. The last line is the same as JSON.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "dist/communicator.h"
#include "dist/gradient_reducer.h"
#include "nn/functional/loss.h"
#include "nn/layers/activation.h"
#include "nn/layers/linear.h"
#include "nn/sequential.h"
#include "tensor/creation.h"
#include "tensor/generator.h"

namespace {

using namespace nw;
using Clock = std::chrono::steady_clock;

struct Args {
  int64_t hidden = 1024, layers = 2, batch = 64, bucket_kib = 1024;
  int steps = 20, rounds = 5;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const long v = std::atol(argv[i + 1]);
    if (k == "--hidden")
      a.hidden = v;
    else if (k == "--layers")
      a.layers = v;
    else if (k == "--batch")
      a.batch = v;
    else if (k == "--bucket-kib")
      a.bucket_kib = v;
    else if (k == "--steps")
      a.steps = int(v);
    else if (k == "--rounds")
      a.rounds = int(v);
    else {
      std::fprintf(stderr, "bench_dist_overlap: unknown option %s\n", argv[i]);
      std::exit(2);
    }
  }
  return a;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The slowest rank's value: a synchronous step lasts as long as its slowest rank.
double slowest(dist::Communicator& comm, double mine) {
  Tensor all = zeros({comm.size()}, kFloat64);
  all.data_ptr<double>()[comm.rank()] = mine;
  comm.all_reduce_sum(all);
  return all.max().item<double>();
}

struct Case {
  const char* name;
  dist::GradientReducer* reducer;  // nullptr: compute only
  bool meet = false;               // the ranks meet once a step (lockstep)
  std::vector<double> ms;          // per-step, one per round
  double wait_s = 0.0;             // the reducer's wait in finish(), summed
};

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  dist::Communicator& comm = dist::world();
  const int rank = comm.rank(), k = comm.size();

  manual_seed(7);  // the same weights on every rank
  auto model = std::make_shared<nn::Sequential>();
  int64_t in = 784;
  for (int64_t l = 0; l < a.layers; ++l) {
    model->push_back(std::make_shared<nn::Linear>(in, a.hidden));
    model->push_back(std::make_shared<nn::ReLU>());
    in = a.hidden;
  }
  model->push_back(std::make_shared<nn::Linear>(in, 10));
  const std::vector<Tensor> params = model->parameters();
  int64_t grad_bytes = 0;
  for (const Tensor& p : params) grad_bytes += p.numel() * int64_t(p.element_size());
  manual_seed(100 + uint64_t(rank));  // each rank its own batch
  const Tensor x = randn({a.batch, 784});
  const Tensor y = randint(0, 10, {a.batch});

  const size_t bucket = size_t(a.bucket_kib) << 10;
  dist::GradientReducer after(params, comm, {bucket, false});
  dist::GradientReducer overlap(params, comm, {bucket, true});
  std::vector<Case> cases{{"compute", nullptr, false, {}},
                          {"lockstep", nullptr, true, {}},
                          {"after", &after, false, {}},
                          {"overlap", &overlap, false, {}}};
  Tensor token = zeros({1});
  auto step = [&](Case& c) {
    if (c.reducer) c.reducer->prepare_for_backward();
    nn::functional::cross_entropy(model->forward(x), y).backward();
    if (c.reducer) {
      c.reducer->finish();
      c.wait_s += c.reducer->last_step().wait_seconds;
    }
    if (c.meet) comm.all_reduce_sum(token);
    model->zero_grad();
  };
  for (Case& c : cases) step(c);  // warm-up: allocator caches, MPI's buffers

  Tensor flat = zeros({grad_bytes / 4});
  std::vector<Tensor> grads;
  for (const Tensor& p : params) grads.push_back(zeros_like(p));
  auto copies = [&] {
    int64_t at = 0;
    for (const Tensor& g : grads) {
      flat.narrow(0, at, g.numel()).view(g.sizes()).copy_(g);
      at += g.numel();
    }
    flat.mul_(1.0 / k);
    at = 0;
    for (Tensor& g : grads) {
      g.copy_(flat.narrow(0, at, g.numel()).view(g.sizes()));
      at += g.numel();
    }
  };
  std::vector<float> scratch(size_t(32) << 20);  // 128 MiB, above any last-level cache here
  auto evict = [&] {
    for (size_t i = 0; i < scratch.size(); i += 16) scratch[i] += 1.0f;
  };
  std::vector<double> exchange_ms, copy_ms;
  for (int round = 0; round < a.rounds; ++round) {
    for (Case& c : cases) {
      comm.barrier();
      const auto t0 = Clock::now();
      for (int s = 0; s < a.steps; ++s) step(c);
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      c.ms.push_back(slowest(comm, ms / a.steps));
    }
    // Each alone, as inside a step: after the rest of a step has pushed the buffers out of the
    // caches (timed back to back, the same bytes stay cached: 1.3-3.2 ms for the all-reduce and
    // 0.8-1.7 ms for the copies in runs here, against 2.4-3.0 and 2.0-2.5 ms evicted), and
    // from a barrier, so that neither holds the other rank's lead (lockstep measures that).
    double ms = 0.0, cms = 0.0;
    for (int s = 0; s < a.steps; ++s) {
      evict();
      comm.barrier();
      const auto t0 = Clock::now();
      comm.all_reduce_sum(flat);
      ms += std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      evict();
      const auto t1 = Clock::now();
      copies();
      cms += std::chrono::duration<double, std::milli>(Clock::now() - t1).count();
    }
    exchange_ms.push_back(slowest(comm, ms / a.steps));
    copy_ms.push_back(slowest(comm, cms / a.steps));
  }

  const double t_compute = median(cases[0].ms), t_lockstep = median(cases[1].ms),
               t_after = median(cases[2].ms), t_overlap = median(cases[3].ms),
               t_exchange = median(exchange_ms), t_copies = median(copy_ms);
  const double cost = t_after - t_compute;
  const double hidden = cost > 0 ? 1.0 - (t_overlap - t_compute) / cost : 0.0;
  const double n = double(a.rounds) * a.steps;
  const double wait_after = 1e3 * cases[2].wait_s / n, wait_overlap = 1e3 * cases[3].wait_s / n;
  if (rank == 0) {
    std::printf(
        "MLP 784-%lldx%lld-10, batch %lld per rank, %d ranks, %.2f MB of float32 "
        "gradients, buckets of %lld KiB (%d in overlap mode)\n",
        (long long)a.hidden, (long long)a.layers, (long long)a.batch, k, grad_bytes / 1e6,
        (long long)a.bucket_kib, overlap.last_step().buckets);
    std::printf("step, compute only (each rank alone): %8.3f ms\n", t_compute);
    std::printf("step, ranks meeting once a step:      %8.3f ms\n", t_lockstep);
    std::printf("step, all-reduce after backward:      %8.3f ms (finish() waits %.3f ms)\n",
                t_after, wait_after);
    std::printf("step, bucketed overlap:               %8.3f ms (finish() waits %.3f ms)\n",
                t_overlap, wait_overlap);
    std::printf("all-reduce of the gradient bytes:     %8.3f ms\n", t_exchange);
    std::printf("bucket copies and scale, alone:       %8.3f ms\n", t_copies);
    if (k > 1)
      std::printf("hidden behind backward: %.0f%% of the exchange's cost to the step\n",
                  100 * hidden);
    std::printf(
        "{\"ranks\": %d, \"grad_bytes\": %lld, \"bucket_kib\": %lld, \"batch\": %lld, "
        "\"compute_ms\": %.4f, \"lockstep_ms\": %.4f, \"after_ms\": %.4f, \"overlap_ms\": %.4f, "
        "\"exchange_ms\": %.4f, \"copies_ms\": %.4f, \"wait_after_ms\": %.4f, \"wait_overlap_ms\": "
        "%.4f, "
        "\"hidden\": %.4f}\n",
        k, (long long)grad_bytes, (long long)a.bucket_kib, (long long)a.batch, t_compute,
        t_lockstep, t_after, t_overlap, t_exchange, t_copies, wait_after, wait_overlap, hidden);
  }
  dist::finalize_world();
  return 0;
}
