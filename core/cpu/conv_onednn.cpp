// oneDNN convolutions (see conv_onednn.h). Tensors are NCHW / OIHW; oneDNN picks blocked layouts
// for its kernels, so each call reorders its operands in and its result out.
#include "cpu/conv_onednn.h"

#include <atomic>

namespace nw::cpu {

namespace {
std::atomic<bool>& enabled_flag() {
  static std::atomic<bool> on{true};
  return on;
}
}  // namespace

void set_onednn_enabled(bool on) {
  enabled_flag().store(on);
}
bool onednn_enabled() {
  return onednn_available() && enabled_flag().load();
}

}  // namespace nw::cpu

#ifndef NETWRIGHT_WITH_ONEDNN

namespace nw::cpu {
bool onednn_available() {
  return false;
}
bool onednn_conv_forward(const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                         const ConvGeometry&) {
  return false;
}
bool onednn_conv_backward_data(const Tensor&, const Tensor&, const Tensor&, const ConvGeometry&) {
  return false;
}
bool onednn_conv_backward_weight(const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                                 const ConvGeometry&) {
  return false;
}
}  // namespace nw::cpu

#else

#include <omp.h>

#include <array>
#include <dnnl.hpp>
#include <map>
#include <memory>
#include <unordered_map>

#include "backend/threads.h"
#include "cpu/conv_im2col.h"

namespace nw::cpu {

namespace {

using dnnl::memory;
using Dims = memory::dims;
using Tag = memory::format_tag;

enum class Pass { Forward, BackwardData, BackwardWeights };

struct Context {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
};
Context& context() {
  thread_local Context c;
  return c;
}

// One operand of a primitive: the plain layout of its tensor, the layout the primitive wants,
// and when they differ the reorder between the two.
struct Operand {
  memory::desc plain, wanted;
  dnnl::reorder reorder;  // plain -> wanted for inputs, wanted -> plain for outputs
  bool direct = true;

  Operand() = default;
  Operand(const memory::desc& plain_desc, const memory::desc& wanted_desc, bool input)
      : plain(plain_desc), wanted(wanted_desc), direct(plain_desc == wanted_desc) {
    if (direct) return;
    const dnnl::engine& eng = context().engine;
    reorder = dnnl::reorder(input ? dnnl::reorder::primitive_desc(eng, plain, eng, wanted)
                                  : dnnl::reorder::primitive_desc(eng, wanted, eng, plain));
  }
};

struct Entry {
  bool ok = false;  // false: oneDNN rejected the case
  dnnl::primitive primitive;
  std::array<Operand, 4> ops;
};

// Sizes of the convolution's input (N, C, H, W), output (O, oH, oW) and window.
struct Problem {
  int64_t N, C, H, W, O, oH, oW, kH, kW;
  ConvGeometry g;
  bool bias;

  std::array<int64_t, 20> key(Pass pass) const {
    return {int64_t(pass),
            N,
            C,
            H,
            W,
            O,
            oH,
            oW,
            kH,
            kW,
            g.stride_h,
            g.stride_w,
            g.pad_h,
            g.pad_w,
            g.dilation_h,
            g.dilation_w,
            g.groups,
            int64_t(bias),
            get_num_threads(),
            0};
  }
  memory::desc act(int64_t c, int64_t h, int64_t w, Tag tag) const {
    return memory::desc({N, c, h, w}, memory::data_type::f32, tag);
  }
  memory::desc weights(Tag tag) const {
    Dims d = g.groups > 1 ? Dims{g.groups, O / g.groups, C / g.groups, kH, kW} : Dims{O, C, kH, kW};
    return memory::desc(d, memory::data_type::f32,
                        tag == Tag::any ? Tag::any
                        : g.groups > 1  ? Tag::goihw
                                        : Tag::oihw);
  }
  memory::desc bias_desc(Tag tag) const {
    return memory::desc({O}, memory::data_type::f32, tag == Tag::any ? Tag::any : Tag::x);
  }
  // oneDNN counts dilation from 0 and wants the padding on the far side too; it may be negative
  // when a strided window leaves input rows unused.
  Dims strides() const { return {g.stride_h, g.stride_w}; }
  Dims dilates() const { return {g.dilation_h - 1, g.dilation_w - 1}; }
  Dims pad_l() const { return {g.pad_h, g.pad_w}; }
  Dims pad_r() const {
    return {(oH - 1) * g.stride_h + (kH - 1) * g.dilation_h + 1 - H - g.pad_h,
            (oW - 1) * g.stride_w + (kW - 1) * g.dilation_w + 1 - W - g.pad_w};
  }
  dnnl::convolution_forward::primitive_desc forward_pd() const {
    const auto src = act(C, H, W, Tag::any), dst = act(O, oH, oW, Tag::any);
    auto d = bias ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training,
                                                    dnnl::algorithm::convolution_direct, src,
                                                    weights(Tag::any), bias_desc(Tag::any), dst,
                                                    strides(), dilates(), pad_l(), pad_r())
                  : dnnl::convolution_forward::desc(
                        dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, src,
                        weights(Tag::any), dst, strides(), dilates(), pad_l(), pad_r());
    return {d, context().engine};
  }
};

Entry build(const Problem& p, Pass pass) {
  Entry e;
  const auto src = p.act(p.C, p.H, p.W, Tag::nchw), dst = p.act(p.O, p.oH, p.oW, Tag::nchw);
  const auto wei = p.weights(Tag::oihw), bias = p.bias_desc(Tag::x);
  const auto any_src = p.act(p.C, p.H, p.W, Tag::any), any_dst = p.act(p.O, p.oH, p.oW, Tag::any);
  const auto fwd = p.forward_pd();
  if (pass == Pass::Forward) {
    e.primitive = dnnl::convolution_forward(fwd);
    e.ops = {Operand(src, fwd.src_desc(), true), Operand(wei, fwd.weights_desc(), true),
             p.bias ? Operand(bias, fwd.bias_desc(), true) : Operand(),
             Operand(dst, fwd.dst_desc(), false)};
  } else if (pass == Pass::BackwardData) {
    dnnl::convolution_backward_data::desc d(dnnl::algorithm::convolution_direct, any_src,
                                            p.weights(Tag::any), any_dst, p.strides(), p.dilates(),
                                            p.pad_l(), p.pad_r());
    dnnl::convolution_backward_data::primitive_desc pd(d, context().engine, fwd);
    e.primitive = dnnl::convolution_backward_data(pd);
    e.ops = {Operand(dst, pd.diff_dst_desc(), true), Operand(wei, pd.weights_desc(), true),
             Operand(), Operand(src, pd.diff_src_desc(), false)};
  } else {
    auto d =
        p.bias ? dnnl::convolution_backward_weights::desc(
                     dnnl::algorithm::convolution_direct, any_src, p.weights(Tag::any),
                     p.bias_desc(Tag::any), any_dst, p.strides(), p.dilates(), p.pad_l(), p.pad_r())
               : dnnl::convolution_backward_weights::desc(
                     dnnl::algorithm::convolution_direct, any_src, p.weights(Tag::any), any_dst,
                     p.strides(), p.dilates(), p.pad_l(), p.pad_r());
    dnnl::convolution_backward_weights::primitive_desc pd(d, context().engine, fwd);
    e.primitive = dnnl::convolution_backward_weights(pd);
    e.ops = {Operand(src, pd.src_desc(), true), Operand(dst, pd.diff_dst_desc(), true),
             p.bias ? Operand(bias, pd.diff_bias_desc(), false) : Operand(),
             Operand(wei, pd.diff_weights_desc(), false)};
  }
  e.ok = true;
  return e;
}

// The cached primitive for this problem on this thread, built on first use. Shapes change
// rarely (the last, shorter batch of an epoch; evaluation), so the cache stays small; it is
// cleared if a program cycles through very many.
const Entry& entry(const Problem& p, Pass pass) {
  thread_local std::map<std::array<int64_t, 20>, Entry> cache;
  const auto key = p.key(pass);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  if (cache.size() >= 64) cache.clear();
  Entry e;
  try {
    e = build(p, pass);
  } catch (const dnnl::error&) {
    e.ok = false;  // e.g. a geometry this oneDNN does not implement: the im2col path runs it
  }
  return cache.emplace(key, std::move(e)).first->second;
}

// One execution: the entry's operands bound to tensors. Operands in a blocked layout live in
// scratch from the host allocator for the call, so the cache holds no tensor-sized buffers and a
// large evaluation batch leaves nothing behind but the allocator's reusable blocks.
class Call {
 public:
  explicit Call(const Entry& e) : e_(e) {}
  // Operand i's data in the layout the primitive wants.
  memory in(size_t i, const Tensor& t) {
    memory user = plain(i, t);
    if (e_.ops[i].direct) return user;
    memory buf = scratch(i);
    e_.ops[i].reorder.execute(context().stream, user, buf);
    return buf;
  }
  // Where the primitive writes output operand i; finish() then moves it into the tensor.
  memory out(size_t i, const Tensor& t) { return e_.ops[i].direct ? plain(i, t) : scratch(i); }
  void finish(size_t i, const Tensor& t) {
    if (e_.ops[i].direct) return;
    memory user = plain(i, t);
    e_.ops[i].reorder.execute(context().stream, buffers_[i], user);
  }
  void run(const std::unordered_map<int, memory>& args) {
    e_.primitive.execute(context().stream, args);
  }
  ~Call() { context().stream.wait(); }  // before the scratch goes

 private:
  memory plain(size_t i, const Tensor& t) const {
    return memory(e_.ops[i].plain, context().engine, t.raw_data());
  }
  memory scratch(size_t i) {
    space_[i] = std::make_unique<Workspace>(e_.ops[i].wanted.get_size());
    buffers_[i] = memory(e_.ops[i].wanted, context().engine, space_[i]->as<void>());
    return buffers_[i];
  }

  const Entry& e_;
  std::array<std::unique_ptr<Workspace>, 4> space_;
  std::array<memory, 4> buffers_;
};

// oneDNN's OpenMP runtime sizes its thread team from omp_get_max_threads(): make that
// Netwright's thread count for the call, and put the caller's setting back afterwards.
class ThreadScope {
 public:
  ThreadScope() : saved_(omp_get_max_threads()) { omp_set_num_threads(get_num_threads()); }
  ~ThreadScope() { omp_set_num_threads(saved_); }

 private:
  int saved_;
};

Problem problem(const Tensor& x, const Tensor& w, const Tensor& y, const ConvGeometry& g,
                bool bias) {
  return {x.size(0), x.size(1), x.size(2), x.size(3), y.size(1), y.size(2),
          y.size(3), w.size(2), w.size(3), g,         bias};
}

bool usable(const Tensor& t) {
  return t.dtype() == kFloat32 && onednn_enabled();
}

}  // namespace

bool onednn_available() {
  return true;
}

bool onednn_conv_forward(const Tensor& x, const Tensor& w, const Tensor& bias, const Tensor& out,
                         const ConvGeometry& g) {
  if (!usable(x)) return false;
  ThreadScope threads;
  const Entry& e = entry(problem(x, w, out, g, bias.defined()), Pass::Forward);
  if (!e.ok) return false;
  Call call(e);
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, call.in(0, x)},
                                       {DNNL_ARG_WEIGHTS, call.in(1, w)},
                                       {DNNL_ARG_DST, call.out(3, out)}};
  if (bias.defined()) args[DNNL_ARG_BIAS] = call.in(2, bias);
  call.run(args);
  call.finish(3, out);
  return true;
}

bool onednn_conv_backward_data(const Tensor& grad_out, const Tensor& w, const Tensor& grad_x,
                               const ConvGeometry& g) {
  if (!usable(grad_out)) return false;
  ThreadScope threads;
  const Entry& e = entry(problem(grad_x, w, grad_out, g, false), Pass::BackwardData);
  if (!e.ok) return false;
  Call call(e);
  call.run({{DNNL_ARG_DIFF_DST, call.in(0, grad_out)},
            {DNNL_ARG_WEIGHTS, call.in(1, w)},
            {DNNL_ARG_DIFF_SRC, call.out(3, grad_x)}});
  call.finish(3, grad_x);
  return true;
}

bool onednn_conv_backward_weight(const Tensor& grad_out, const Tensor& x, const Tensor& grad_w,
                                 const Tensor& grad_bias, const ConvGeometry& g) {
  if (!usable(x)) return false;
  ThreadScope threads;
  const Entry& e =
      entry(problem(x, grad_w, grad_out, g, grad_bias.defined()), Pass::BackwardWeights);
  if (!e.ok) return false;
  Call call(e);
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, call.in(0, x)},
                                       {DNNL_ARG_DIFF_DST, call.in(1, grad_out)},
                                       {DNNL_ARG_DIFF_WEIGHTS, call.out(3, grad_w)}};
  if (grad_bias.defined()) args[DNNL_ARG_DIFF_BIAS] = call.out(2, grad_bias);
  call.run(args);
  call.finish(3, grad_w);
  if (grad_bias.defined()) call.finish(2, grad_bias);
  return true;
}

}  // namespace nw::cpu

#endif
