// A first, correct form: every gradient is summed after backward, one blocking all-reduce per
// parameter. The bucketed, overlapped exchange the header describes replaces it.
#include "dist/gradient_reducer.h"

#include <chrono>

#include "tensor/creation.h"
#include "tensor/ops.h"

namespace nw::dist {

struct GradientReducer::State {
  std::vector<Tensor> params;
  Communicator* comm = nullptr;
  ReducerOptions options;
};

GradientReducer::GradientReducer(std::vector<Tensor> params, Communicator& comm,
                                 ReducerOptions options)
    : state_(std::make_unique<State>(State{std::move(params), &comm, options})) {}

GradientReducer::~GradientReducer() = default;

void GradientReducer::prepare_for_backward() {}

void GradientReducer::finish() {
  stats_ = {};
  Communicator& comm = *state_->comm;
  if (comm.size() == 1) return;
  const auto t0 = std::chrono::steady_clock::now();
  for (Tensor& p : state_->params) {
    Tensor g = p.grad();
    if (!g.defined()) {
      g = zeros_like(p);
      p.set_grad(g);
    }
    Tensor flat = g.contiguous();
    comm.all_reduce_sum(flat);
    flat.mul_(1.0 / double(comm.size()));
    if (flat.raw_data() != g.raw_data()) g.copy_(flat);
    stats_.bytes += int64_t(flat.numel() * flat.element_size());
    ++stats_.buckets;
  }
  stats_.wait_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace nw::dist
