#pragma once
// Averages the gradients of a model's parameters over the ranks of a data-parallel run, after
// each backward, as PyTorch's DistributedDataParallel does: every rank ends the step with the
// same .grad, the mean of the ranks' gradients, so the same optimizer step keeps every rank's
// weights equal.
//
// Gradients go in buckets of about `bucket_bytes`, filled in reverse order of registration (the
// order backward produces them). A bucket's all-reduce starts as soon as its last gradient is
// final (a post-accumulate hook, autograd/hooks.h), so the exchange overlaps the rest of backward.
// Buckets start in index order on every rank (MPI collectives must match), so a ready bucket
// waits for the ones before it; one whose gradient backward never reached on this rank starts
// in finish(), with that gradient taken as zero. Gradients are copied into the bucket and back
// (the optimizers' zero_grad drops .grad every step, so a .grad that viewed the bucket would not
// last).
//
//   GradientReducer reducer(model.parameters(), dist::world());
//   reducer.prepare_for_backward();
//   loss.backward();
//   reducer.finish();            // every .grad is now the mean over ranks
//   optimizer.step();
#include <cstdint>
#include <memory>
#include <vector>

#include "dist/communicator.h"

namespace nw::dist {

struct ReducerOptions {
  size_t bucket_bytes = size_t(25) << 20;
  // false: exchange every bucket after backward (a baseline for bench/, and for debugging).
  bool overlap = true;
};

// What the last step exchanged and how long finish() waited for it.
struct ReducerStats {
  int buckets = 0;
  int launched_during_backward = 0;  // the rest started in finish()
  int64_t bytes = 0;
  double wait_seconds = 0.0;  // in finish(): the part of the exchange not hidden by backward
};

class GradientReducer {
 public:
  // `params`: the trainable parameters, in registration order (Module::parameters()). With a
  // world of one the reducer does nothing.
  GradientReducer(std::vector<Tensor> params, Communicator& comm, ReducerOptions options = {});
  ~GradientReducer();
  GradientReducer(const GradientReducer&) = delete;
  GradientReducer& operator=(const GradientReducer&) = delete;

  // Call before the backward pass whose gradients are to be averaged. Backward passes without
  // it (the first micro-batches of a gradient accumulation) only add into .grad; the prepared
  // one then exchanges the accumulated sum. One backward per prepare: a second one that adds
  // into a gradient already sent throws nw::Error.
  void prepare_for_backward();
  // Call after it, on every rank: starts what backward did not, waits for every bucket and
  // leaves the mean in each parameter's .grad. A parameter backward did not reach counts as a
  // zero gradient on this rank (its .grad is set). Without a backward in between it averages
  // .grad as it stands, which leaves gradients that are already equal on every rank unchanged.
  void finish();

  const ReducerStats& last_step() const { return stats_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  ReducerStats stats_;
};

}  // namespace nw::dist
