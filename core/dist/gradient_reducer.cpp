// Bucketed, overlapped gradient averaging (DDP's reducer). Each bucket is one flat buffer of
// one dtype and device; a parameter's hook marks it ready, and a bucket whose parameters are all
// ready is copied in and started as soon as every bucket before it has started.
#include "dist/gradient_reducer.h"

#include <chrono>
#include <unordered_set>

#include "autograd/grad_mode.h"
#include "autograd/hooks.h"
#include "tensor/creation.h"
#include "tensor/errors.h"
#include "tensor/ops.h"
#include "tensor/shape.h"

namespace nw::dist {

namespace {

struct Slot {
  Tensor param;
  int bucket = 0;
  int64_t offset = 0;  // in elements, into the bucket's buffer
  bool ready = false;  // reached by this pass's backward
};

struct Bucket {
  Tensor buffer;           // flat: the slots' gradients end to end
  std::vector<int> slots;  // in the order they were filled (reverse registration)
  int pending = 0;         // slots not yet ready in this pass
  std::unique_ptr<Request> request;
};

}  // namespace

struct GradientReducer::State {
  Communicator* comm = nullptr;
  ReducerOptions options;
  std::vector<Slot> slots;
  std::vector<Bucket> buckets;
  int next_launch = 0;  // buckets before it have started in this pass
  int launched_during_backward = 0;
  bool armed = false;                       // between prepare_for_backward() and finish()
  std::vector<autograd::HookHandle> hooks;  // last: removed before the rest goes

  void build(const std::vector<Tensor>& params);
  void on_ready(int slot);
  void launch(int bucket);
  void progress();
  void reset_pass();
  std::string slot_name(int slot) const;
};

// Reverse registration order is roughly the order backward finishes gradients, so the first
// buckets fill while backward still has the early layers to go.
void GradientReducer::State::build(const std::vector<Tensor>& params) {
  std::vector<int> open;  // per (dtype, device): the bucket being filled, as an index
  std::vector<int64_t> open_bytes;
  std::unordered_set<const TensorImpl*> seen;  // a shared parameter is sent once
  for (auto it = params.rbegin(); it != params.rend(); ++it) {
    const Tensor& p = *it;
    if (!p.defined() || !p.requires_grad()) continue;  // frozen: no gradient to average
    if (!seen.insert(p.impl()).second) continue;
    int b = -1;
    for (size_t k = 0; k < open.size(); ++k) {
      const Tensor& first = slots[size_t(buckets[size_t(open[k])].slots[0])].param;
      if (first.dtype() == p.dtype() && first.device() == p.device()) b = int(k);
    }
    if (b < 0) {
      buckets.emplace_back();
      open.push_back(int(buckets.size()) - 1);
      open_bytes.push_back(0);
      b = int(open.size()) - 1;
    }
    Bucket& bucket = buckets[size_t(open[size_t(b)])];
    int64_t offset = 0;
    for (int s : bucket.slots) offset += slots[size_t(s)].param.numel();
    slots.push_back(Slot{p, open[size_t(b)], offset, false});
    bucket.slots.push_back(int(slots.size()) - 1);
    open_bytes[size_t(b)] += int64_t(p.numel() * p.element_size());
    if (open_bytes[size_t(b)] >= int64_t(options.bucket_bytes)) {  // full: the next gets a new one
      open.erase(open.begin() + b);
      open_bytes.erase(open_bytes.begin() + b);
    }
  }
  for (Bucket& bucket : buckets) {
    const Tensor& first = slots[size_t(bucket.slots[0])].param;
    int64_t n = 0;
    for (int s : bucket.slots) n += slots[size_t(s)].param.numel();
    bucket.buffer = zeros({n}, TensorOptions(first.dtype()).device(first.device()));
    bucket.pending = int(bucket.slots.size());
  }
}

std::string GradientReducer::State::slot_name(int slot) const {
  const Tensor& p = slots[size_t(slot)].param;
  return "parameter of shape " + shape_str(p.sizes()) + " (bucket " +
         std::to_string(slots[size_t(slot)].bucket) + ")";
}

void GradientReducer::State::on_ready(int slot) {
  if (!armed) return;  // an accumulation step: the prepared backward sends the sum
  Slot& s = slots[size_t(slot)];
  if (s.ready) {
    if (s.bucket < next_launch)
      throw Error("GradientReducer: a second backward added into a " + slot_name(slot) +
                  " after its bucket was sent; call prepare_for_backward() before each backward "
                  "whose gradients are averaged, and finish() after it");
    return;  // not sent yet: the bucket copies the gradient as it is then
  }
  s.ready = true;
  --buckets[size_t(s.bucket)].pending;
  while (next_launch < int(buckets.size()) && buckets[size_t(next_launch)].pending == 0) {
    launch(next_launch++);
    ++launched_during_backward;
  }
  progress();
}

void GradientReducer::State::launch(int b) {
  Bucket& bucket = buckets[size_t(b)];
  for (int s : bucket.slots) {
    Tensor& p = slots[size_t(s)].param;
    Tensor g = p.grad();
    if (!g.defined()) {  // backward did not reach it on this rank: it adds nothing to the sum
      g = zeros_like(p);
      p.set_grad(g);
    }
    bucket.buffer.narrow(0, slots[size_t(s)].offset, p.numel()).view(p.sizes()).copy_(g);
  }
  bucket.request = comm->all_reduce_sum_async(bucket.buffer);
}

// MPI advances a non-blocking all-reduce only inside MPI calls: nudge the ones in flight.
void GradientReducer::State::progress() {
  for (int b = 0; b < next_launch; ++b)
    if (buckets[size_t(b)].request) buckets[size_t(b)].request->test();
}

void GradientReducer::State::reset_pass() {
  for (Bucket& bucket : buckets) {
    bucket.request.reset();  // waits for one left in flight by a pass that threw
    bucket.pending = int(bucket.slots.size());
  }
  for (Slot& s : slots) s.ready = false;
  next_launch = 0;
  launched_during_backward = 0;
}

GradientReducer::GradientReducer(std::vector<Tensor> params, Communicator& comm,
                                 ReducerOptions options)
    : state_(std::make_unique<State>()) {
  State& st = *state_;
  st.comm = &comm;
  st.options = options;
  if (comm.size() == 1) return;  // nothing to average
  st.build(params);
  if (!options.overlap) return;
  State* raw = state_.get();
  for (size_t i = 0; i < st.slots.size(); ++i)
    st.hooks.push_back(autograd::add_post_accumulate_grad_hook(
        st.slots[i].param, [raw, i](const Tensor&) { raw->on_ready(int(i)); }));
}

GradientReducer::~GradientReducer() = default;

void GradientReducer::prepare_for_backward() {
  state_->reset_pass();
  state_->armed = true;
}

void GradientReducer::finish() {
  State& st = *state_;
  stats_ = {};
  if (st.comm->size() == 1) return;
  NoGradGuard no_grad;
  st.armed = false;
  stats_.launched_during_backward = st.launched_during_backward;
  while (st.next_launch < int(st.buckets.size())) st.launch(st.next_launch++);

  const auto t0 = std::chrono::steady_clock::now();
  for (Bucket& bucket : st.buckets) bucket.request->wait();
  stats_.wait_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const double scale = 1.0 / double(st.comm->size());
  for (Bucket& bucket : st.buckets) {
    bucket.request.reset();
    bucket.buffer.mul_(scale);
    for (int s : bucket.slots) {
      Slot& slot = st.slots[size_t(s)];
      slot.param.grad().copy_(
          bucket.buffer.narrow(0, slot.offset, slot.param.numel()).view(slot.param.sizes()));
    }
    stats_.bytes += int64_t(bucket.buffer.numel() * bucket.buffer.element_size());
  }
  stats_.buckets = int(st.buckets.size());
  st.reset_pass();
}

}  // namespace nw::dist
