// Convolution forward, backward data and backward filter (+ bias) through cuDNN. Each pass's
// algorithm is chosen once per problem (shapes, layout, geometry, dtype, math mode, device):
// by cuDNN's heuristics, or by timing every candidate when cudnn_benchmark() is on; the choice
// and its workspace size live in a ConvAlgorithmCache. Workspaces come from the caching
// allocator. TF32 follows allow_tf32(): off, float32 runs with CUDNN_FMA_MATH and a candidate
// that needs tensor-op math is passed over.
#include <algorithm>
#include <optional>
#include <vector>

#include "backend/conv_algorithm_cache.h"
#include "backend/math_mode.h"
#include "cuda_backend.h"
#include "cudnn_conv_pass.h"
#include "cudnn_handle.h"
#include "cudnn_layer_kernels.h"

namespace nw::cuda {

namespace {

// A timed search gets at most this much scratch: enough for the fast algorithms of every layer
// of the bundled projects, and never a reason to run out of memory by itself.
constexpr size_t kSearchWorkspaceLimit = size_t(1) << 30;

// Cached for a problem cuDNN has no usable algorithm for (none without TF32, say): the generic
// kernel runs it, every time, without asking cuDNN again.
constexpr int kNoAlgorithm = -1;

ConvAlgorithmCache& algorithm_cache() {
  static ConvAlgorithmCache* cache = new ConvAlgorithmCache;  // kernels may run at exit
  return *cache;
}

// cuDNN sizes y itself from x and the window; an output extent it would not produce (padding on
// the far side only, a transposed convolution's output_padding) goes to the generic kernel.
bool cudnn_takes(const Tensor& x, const Tensor& w, const Tensor& y, const ConvGeometry& g) {
  if (!cudnn_sized(x) || !cudnn_sized(w) || !cudnn_sized(y)) return false;
  const auto extent = [](int64_t in, int64_t pad, int64_t dil, int64_t k, int64_t stride) {
    return (in + 2 * pad - dil * (k - 1) - 1) / stride + 1;
  };
  return extent(x.size(2), g.pad_h, g.dilation_h, w.size(2), g.stride_h) == y.size(2) &&
         extent(x.size(3), g.pad_w, g.dilation_w, w.size(3), g.stride_w) == y.size(3);
}

ConvProblem problem_of(ConvPass pass, const Tensor& x, const Tensor& w, const Tensor& y,
                       const ConvGeometry& g) {
  ConvProblem p;
  p.pass = pass;
  p.device = y.device().index();
  p.dtype = int(x.dtype());
  p.tf32 = x.dtype() == DType::Float32 && allow_tf32();
  p.benchmark = cudnn_benchmark();
  for (int i = 0; i < 4; ++i) {
    p.x[size_t(i)] = x.size(i), p.w[size_t(i)] = w.size(i), p.y[size_t(i)] = y.size(i);
    p.x_strides[size_t(i)] = x.stride(i), p.y_strides[size_t(i)] = y.stride(i);
  }
  p.stride = {g.stride_h, g.stride_w};
  p.pad = {g.pad_h, g.pad_w};
  p.dilation = {g.dilation_h, g.dilation_w};
  p.groups = g.groups;
  return p;
}

// The math type a candidate runs with, or nothing when it breaks the TF32 setting: float32
// without TF32 must not run tensor-op math, and DEFAULT_MATH would let cuDNN pick TF32.
std::optional<cudnnMathType_t> math_for(cudnnMathType_t candidate, bool float32, bool tf32) {
  if (!float32 || tf32) return candidate;
  if (candidate == CUDNN_DEFAULT_MATH || candidate == CUDNN_FMA_MATH) return CUDNN_FMA_MATH;
  return std::nullopt;
}

// The first usable candidate in cuDNN's order (fastest first for a search, most promising first
// for heuristics), with the workspace it needs under its math type.
template <ConvPass P>
std::optional<ConvAlgorithm> first_usable(ConvCall& c,
                                          const std::vector<typename Pass<P>::Perf>& perf, int n,
                                          bool tf32, size_t workspace_limit) {
  for (int i = 0; i < n; ++i) {
    const auto& r = perf[size_t(i)];
    if (r.status != CUDNN_STATUS_SUCCESS) continue;
    const auto math = math_for(r.mathType, c.float32, tf32);
    if (!math) continue;
    c.conv.set_math(*math);
    size_t bytes = 0;
    if (Pass<P>::workspace(c, r.algo, bytes) != CUDNN_STATUS_SUCCESS || bytes > workspace_limit)
      continue;
    return ConvAlgorithm{int(r.algo), int(*math), bytes};
  }
  return std::nullopt;
}

template <ConvPass P>
ConvAlgorithm choose(ConvCall& c, const ConvProblem& problem, void* const* ptrs) {
  std::vector<typename Pass<P>::Perf> perf(size_t(std::max(1, Pass<P>::max_count(c.h))));
  int n = 0;
  // Heuristics first: they also bound the scratch a timed search is given.
  c.conv.set_math(c.float32 && !problem.tf32 ? CUDNN_FMA_MATH : CUDNN_DEFAULT_MATH);
  Pass<P>::heuristics(c, perf, n);
  if (problem.benchmark) {
    size_t largest = 0;
    for (int i = 0; i < n; ++i)
      if (perf[size_t(i)].status == CUDNN_STATUS_SUCCESS)
        largest = std::max(largest, perf[size_t(i)].memory);
    Workspace ws(std::min(largest, kSearchWorkspaceLimit), problem.device);
    int found = 0;
    std::vector<typename Pass<P>::Perf> timed(perf.size());
    Pass<P>::find(c, ptrs, timed, found, ws);
    if (auto a = first_usable<P>(c, timed, found, problem.tf32, ws.size())) return *a;
  }
  if (auto a = first_usable<P>(c, perf, n, problem.tf32, SIZE_MAX)) return *a;
  return ConvAlgorithm{kNoAlgorithm, 0, 0};
}

// x, w, y: the forward problem's tensors, whichever of them the pass writes; ptrs in the order
// x, w, y. False, with nothing done, when cuDNN has no algorithm for the problem.
template <ConvPass P>
bool run_pass(const Tensor& x, const Tensor& w, const Tensor& y, const ConvGeometry& g,
              void* const* ptrs) {
  const int device = y.device().index();
  CudnnHandle handle(device);
  ConvCall c{handle.get(),  TensorDesc(x),          FilterDesc(w),
             TensorDesc(y), ConvDesc(g, x.dtype()), x.dtype() == DType::Float32};
  const ConvProblem problem = problem_of(P, x, w, y, g);
  const ConvAlgorithm a =
      algorithm_cache().get_or_choose(problem, [&] { return choose<P>(c, problem, ptrs); });
  if (a.algorithm == kNoAlgorithm) return false;
  c.conv.set_math(cudnnMathType_t(a.math_type));
  Workspace ws(a.workspace_bytes, device);
  Pass<P>::run(c, ptrs, typename Pass<P>::Algo(a.algorithm), ws, Scaling(x.dtype()));
  return true;
}

void* data_of(const Tensor& t) {
  return t.raw_data();
}

}  // namespace

bool cudnn_conv_forward(const Tensor& x, const Tensor& w, const Tensor& bias, const Tensor& out,
                        const ConvGeometry& g) {
  if (!cudnn_takes(x, w, out, g)) return false;
  DeviceGuard guard(out.device().index());
  void* const ptrs[3] = {data_of(x), data_of(w), data_of(out)};
  if (!run_pass<ConvPass::Forward>(x, w, out, g, ptrs)) return false;
  if (bias.defined()) {
    CudnnHandle handle(out.device().index());
    const TensorDesc b(bias.dtype(), 1, bias.size(0), 1, 1), y(out);
    const Scaling s(out.dtype(), 1.0, 1.0);
    CUDNN_CHECK(cudnnAddTensor(handle.get(), s.alpha(), b.get(), data_of(bias), s.beta(), y.get(),
                               data_of(out)));
  }
  return true;
}

bool cudnn_conv_backward_data(const Tensor& grad_out, const Tensor& w, const Tensor& grad_x,
                              const ConvGeometry& g) {
  if (!cudnn_takes(grad_x, w, grad_out, g)) return false;
  DeviceGuard guard(grad_x.device().index());
  void* const ptrs[3] = {data_of(grad_x), data_of(w), data_of(grad_out)};
  return run_pass<ConvPass::BackwardData>(grad_x, w, grad_out, g, ptrs);
}

bool cudnn_conv_backward_weight(const Tensor& grad_out, const Tensor& x, const Tensor& grad_w,
                                const Tensor& grad_bias, const ConvGeometry& g) {
  if (!cudnn_takes(x, grad_w, grad_out, g)) return false;
  DeviceGuard guard(grad_w.device().index());
  void* const ptrs[3] = {data_of(x), data_of(grad_w), data_of(grad_out)};
  if (!run_pass<ConvPass::BackwardFilter>(x, grad_w, grad_out, g, ptrs)) return false;
  if (grad_bias.defined()) {
    CudnnHandle handle(grad_w.device().index());
    const TensorDesc dy(grad_out), db(grad_bias.dtype(), 1, grad_bias.size(0), 1, 1);
    const Scaling s(grad_out.dtype());
    CUDNN_CHECK(cudnnConvolutionBackwardBias(handle.get(), s.alpha(), dy.get(), data_of(grad_out),
                                             s.beta(), db.get(), data_of(grad_bias)));
  }
  return true;
}

}  // namespace nw::cuda
