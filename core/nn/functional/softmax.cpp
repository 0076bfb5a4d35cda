// softmax and log_softmax: one pass for the max, one for the sum of exponentials, one to write,
// per slice along the dim. The backward formulas are written once here; cross_entropy reuses
// log_softmax's.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "backend/elementwise_math.h"
#include "backend/threads.h"
#include "nn/functional/activation.h"
#include "nn/functional/arg_checks.h"
#include "nn/functional/kernel_path.h"
#include "nn/functional/softmax_impl.h"
#include "ops/op_util.h"

namespace nw::nn::functional {

namespace detail {
namespace {

// x seen as (outer, n, inner) around the softmax dim.
struct Geometry {
  int64_t outer = 1, n = 1, inner = 1;
};

Geometry geometry(const Tensor& x, int64_t dim) {
  Geometry g;
  for (int64_t d = 0; d < x.dim(); ++d) {
    const int64_t s = x.size(d);
    if (d < dim) g.outer *= s;
    if (d == dim) g.n = s;
    if (d > dim) g.inner *= s;
  }
  return g;
}

// fn(o) for every block o < outer, split across threads when the tensor is large.
template <typename F>
void for_each_block(const Geometry& g, F&& fn) {
  if (g.outer < 2 || g.outer * g.n * g.inner < kParallelGrain) {
    for (int64_t o = 0; o < g.outer; ++o) fn(o);
    return;
  }
#pragma omp parallel for num_threads(get_num_threads())
  for (int64_t o = 0; o < g.outer; ++o) fn(o);
}

// One slice of length n, contiguous: the max, then the sum of exponentials (in double, so long
// slices keep float32 accuracy), then the output.
template <typename T>
void forward_row(const T* x, T* y, int64_t n, bool log) {
  T m = -std::numeric_limits<T>::infinity();
  for (int64_t i = 0; i < n; ++i) m = math::max_nan(m, x[i]);
  double s = 0;
  if (log) {
    for (int64_t i = 0; i < n; ++i) s += std::exp(x[i] - m);
    const T shift = std::log(T(s));
    for (int64_t i = 0; i < n; ++i) y[i] = x[i] - m - shift;
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    y[i] = std::exp(x[i] - m);
    s += y[i];
  }
  const T scale = T(1.0 / s);
  for (int64_t i = 0; i < n; ++i) y[i] *= scale;
}

template <typename T>
void backward_row(const T* g, const T* y, T* gi, int64_t n, bool log) {
  double s = 0;
  if (log) {
    for (int64_t i = 0; i < n; ++i) s += g[i];
    for (int64_t i = 0; i < n; ++i) gi[i] = g[i] - std::exp(y[i]) * T(s);
    return;
  }
  for (int64_t i = 0; i < n; ++i) s += double(g[i]) * double(y[i]);
  for (int64_t i = 0; i < n; ++i) gi[i] = y[i] * (g[i] - T(s));
}

// `inner` interleaved slices of length n with stride inner (a softmax over a middle dim): the
// same three passes, each sweeping all slices together so memory is read in order.
template <typename T>
void forward_block(const T* x, T* y, int64_t n, int64_t inner, bool log) {
  thread_local std::vector<double> m, s;
  m.assign(size_t(inner), -std::numeric_limits<double>::infinity());
  s.assign(size_t(inner), 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < inner; ++j) m[j] = math::max_nan(m[j], double(x[i * inner + j]));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < inner; ++j) {
      const T e = std::exp(T(x[i * inner + j] - T(m[j])));
      if (!log) y[i * inner + j] = e;
      s[j] += e;
    }
  for (int64_t j = 0; j < inner; ++j) s[j] = log ? std::log(s[j]) : 1.0 / s[j];
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < inner; ++j) {
      const int64_t k = i * inner + j;
      y[k] = log ? T(x[k] - T(m[j]) - T(s[j])) : T(y[k] * T(s[j]));
    }
}

template <typename T>
void backward_block(const T* g, const T* y, T* gi, int64_t n, int64_t inner, bool log) {
  thread_local std::vector<double> s;
  s.assign(size_t(inner), 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < inner; ++j) {
      const int64_t k = i * inner + j;
      s[j] += log ? double(g[k]) : double(g[k]) * double(y[k]);
    }
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < inner; ++j) {
      const int64_t k = i * inner + j;
      gi[k] = log ? T(g[k] - std::exp(y[k]) * T(s[j])) : T(y[k] * (g[k] - T(s[j])));
    }
}

}  // namespace

Tensor softmax_forward(const Tensor& x, int64_t dim, bool log) {
  if (!use_cpu_kernel(x)) {
    NoGradGuard no_grad;
    Tensor z = x.detach() - x.detach().max(dim, true).first;
    if (log) return z - z.exp().sum({dim}, true).log();
    Tensor e = z.exp();
    return e / e.sum({dim}, true);
  }
  const Tensor xc = x.contiguous();
  Tensor y = nw::detail::new_tensor(x.sizes(), x.dtype(), x.device());
  const Geometry geo = geometry(x, dim);
  visit_float(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* px = static_cast<const T*>(xc.raw_data());
    T* py = static_cast<T*>(y.raw_data());
    const int64_t block = geo.n * geo.inner;
    for_each_block(geo, [&](int64_t o) {
      if (geo.inner == 1)
        forward_row(px + o * block, py + o * block, geo.n, log);
      else
        forward_block(px + o * block, py + o * block, geo.n, geo.inner, log);
    });
  });
  return y;
}

Tensor softmax_backward(const Tensor& g, const Tensor& y, int64_t dim, bool log) {
  if (!use_cpu_kernel(y) || g.dtype() != y.dtype()) {
    if (log) return g - y.exp() * g.sum({dim}, true);
    return y * (g - (g * y).sum({dim}, true));
  }
  const Tensor gc = g.contiguous(), yc = y.contiguous();
  Tensor gi = nw::detail::new_tensor(y.sizes(), y.dtype(), y.device());
  const Geometry geo = geometry(y, dim);
  visit_float(y.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* pg = static_cast<const T*>(gc.raw_data());
    const T* py = static_cast<const T*>(yc.raw_data());
    T* pi = static_cast<T*>(gi.raw_data());
    const int64_t block = geo.n * geo.inner;
    for_each_block(geo, [&](int64_t o) {
      if (geo.inner == 1)
        backward_row(pg + o * block, py + o * block, pi + o * block, geo.n, log);
      else
        backward_block(pg + o * block, py + o * block, pi + o * block, geo.n, geo.inner, log);
    });
  });
  return gi;
}

}  // namespace detail

namespace {

Tensor softmax_op(const Tensor& x, int64_t dim, bool log) {
  const char* op = log ? "log_softmax" : "softmax";
  const char* node = log ? "LogSoftmaxBackward0" : "SoftmaxBackward0";
  detail::check_floating(x, op);
  const int64_t d = wrap_dim(dim, x.dim(), op);
  if (x.dim() == 0) return softmax_op(x.reshape({1}), 0, log).reshape({});
  Tensor out = detail::softmax_forward(x, d, log);
  if (autograd::needs_grad({&x}))
    autograd::record(
        out, node, {x}, [so = autograd::SavedTensor(out), d, log, node](const Tensor& g) {
          return std::vector<Tensor>{detail::softmax_backward(g, so.unpack(node), d, log)};
        });
  return out;
}

}  // namespace

Tensor softmax(const Tensor& x, int64_t dim) {
  return softmax_op(x, dim, false);
}

Tensor log_softmax(const Tensor& x, int64_t dim) {
  return softmax_op(x, dim, true);
}

}  // namespace nw::nn::functional
