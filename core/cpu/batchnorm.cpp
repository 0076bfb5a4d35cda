// Batch normalisation on the CPU, one channel per task. Statistics are summed in double, as
// PyTorch's CPU kernel does, and the mean is taken before the variance (two passes) so a large
// mean does not cancel the variance away.
#include <cmath>

#include "cpu/conv_im2col.h"
#include "cpu/cpu_layer_kernels.h"

namespace nw {

namespace {

template <typename T>
const T* data_or_null(const Tensor& t) {
  return t.defined() ? t.data_ptr<T>() : nullptr;
}

// sum over s < n of f(s), in double, through eight independent partial sums the compiler can
// keep in vector registers (one running sum is a chain of dependent adds, 4 cycles each).
template <typename F>
double lane_sum(int64_t n, F f) {
  double part[8] = {};
  int64_t s = 0;
  for (; s + 8 <= n; s += 8)
    for (int j = 0; j < 8; ++j) part[j] += f(s + j);
  double total = 0;
  for (; s < n; ++s) total += f(s);
  for (int j = 0; j < 8; ++j) total += part[j];
  return total;
}

template <typename T>
void bn_forward(const Tensor& x, const Tensor& weight, const Tensor& bias,
                const Tensor& running_mean, const Tensor& running_var, bool training,
                double momentum, double eps, const Tensor& out, const Tensor& save_mean,
                const Tensor& save_invstd) {
  const int64_t N = x.size(0), C = x.size(1), S = x.size(2), M = N * S;
  const T* px = x.data_ptr<T>();
  const T* pw = data_or_null<T>(weight);
  const T* pb = data_or_null<T>(bias);
  T* prm = running_mean.defined() ? running_mean.data_ptr<T>() : nullptr;
  T* prv = running_var.defined() ? running_var.data_ptr<T>() : nullptr;
  T* py = out.data_ptr<T>();
  T* psm = save_mean.data_ptr<T>();
  T* psi = save_invstd.data_ptr<T>();
  const int threads = cpu::threads_for(N * C * S, C);
#pragma omp parallel for num_threads(threads) if (threads > 1)
  for (int64_t c = 0; c < C; ++c) {
    double mean, invstd;
    if (training) {
      double sum = 0;
      for (int64_t n = 0; n < N; ++n) {
        const T* row = px + (n * C + c) * S;
        sum += lane_sum(S, [row](int64_t s) { return double(row[s]); });
      }
      mean = M > 0 ? sum / double(M) : 0.0;
      double sq = 0;
      for (int64_t n = 0; n < N; ++n) {
        const T* row = px + (n * C + c) * S;
        sq += lane_sum(S, [row, mean](int64_t s) {
          const double d = double(row[s]) - mean;
          return d * d;
        });
      }
      invstd = 1.0 / std::sqrt(sq / double(M) + eps);
      if (prm) prm[c] = T((1.0 - momentum) * double(prm[c]) + momentum * mean);
      if (prv) prv[c] = T((1.0 - momentum) * double(prv[c]) + momentum * sq / double(M - 1));
    } else {
      mean = double(prm[c]);
      invstd = 1.0 / std::sqrt(double(prv[c]) + eps);
    }
    psm[c] = T(mean);
    psi[c] = T(invstd);
    // y = x * alpha + beta, with the weight folded into alpha as PyTorch does.
    const T alpha = T(invstd * (pw ? double(pw[c]) : 1.0));
    const T beta = T((pb ? double(pb[c]) : 0.0) - mean * double(alpha));
    for (int64_t n = 0; n < N; ++n) {
      const T* row = px + (n * C + c) * S;
      T* yr = py + (n * C + c) * S;
      for (int64_t s = 0; s < S; ++s) yr[s] = row[s] * alpha + beta;
    }
  }
}

template <typename T>
void bn_backward(const Tensor& grad_out, const Tensor& x, const Tensor& weight,
                 const Tensor& save_mean, const Tensor& save_invstd, bool training,
                 const Tensor& grad_x, const Tensor& grad_weight, const Tensor& grad_bias) {
  const int64_t N = x.size(0), C = x.size(1), S = x.size(2), M = N * S;
  const T* pg = grad_out.data_ptr<T>();
  const T* px = x.data_ptr<T>();
  const T* pw = data_or_null<T>(weight);
  const T* psm = save_mean.data_ptr<T>();
  const T* psi = save_invstd.data_ptr<T>();
  T* pdx = grad_x.defined() ? grad_x.data_ptr<T>() : nullptr;
  T* pdw = grad_weight.defined() ? grad_weight.data_ptr<T>() : nullptr;
  T* pdb = grad_bias.defined() ? grad_bias.data_ptr<T>() : nullptr;
  const int threads = cpu::threads_for(N * C * S, C);
#pragma omp parallel for num_threads(threads) if (threads > 1)
  for (int64_t c = 0; c < C; ++c) {
    const double mean = double(psm[c]), invstd = double(psi[c]);
    const double w = pw ? double(pw[c]) : 1.0;
    double sum = 0, dot = 0;  // sum(dy), sum((x - mean) dy)
    for (int64_t n = 0; n < N; ++n) {
      const T* g = pg + (n * C + c) * S;
      const T* xr = px + (n * C + c) * S;
      sum += lane_sum(S, [g](int64_t s) { return double(g[s]); });
      dot +=
          lane_sum(S, [g, xr, mean](int64_t s) { return (double(xr[s]) - mean) * double(g[s]); });
    }
    if (pdw) pdw[c] = T(dot * invstd);
    if (pdb) pdb[c] = T(sum);
    if (!pdx) continue;
    for (int64_t n = 0; n < N; ++n) {
      const T* g = pg + (n * C + c) * S;
      const T* xr = px + (n * C + c) * S;
      T* dx = pdx + (n * C + c) * S;
      if (training) {
        // dx = (dy - mean(dy) - xhat * mean(dy * xhat)) * invstd * w
        const T k = T(dot * invstd * invstd / double(M));
        const T grad_mean = T(sum / double(M));
        const T m = T(mean), scale = T(invstd * w);
        for (int64_t s = 0; s < S; ++s) dx[s] = (g[s] - grad_mean - (xr[s] - m) * k) * scale;
      } else {
        const T scale = T(invstd * w);
        for (int64_t s = 0; s < S; ++s) dx[s] = g[s] * scale;
      }
    }
  }
}

}  // namespace

void CpuLayerKernels::batch_norm_forward(const Tensor& x, const Tensor& weight, const Tensor& bias,
                                         const Tensor& running_mean, const Tensor& running_var,
                                         bool training, double momentum, double eps,
                                         const Tensor& out, const Tensor& save_mean,
                                         const Tensor& save_invstd) {
  if (x.dtype() == kFloat64)
    bn_forward<double>(x, weight, bias, running_mean, running_var, training, momentum, eps, out,
                       save_mean, save_invstd);
  else
    bn_forward<float>(x, weight, bias, running_mean, running_var, training, momentum, eps, out,
                      save_mean, save_invstd);
}

void CpuLayerKernels::batch_norm_backward(const Tensor& grad_out, const Tensor& x,
                                          const Tensor& weight, const Tensor& save_mean,
                                          const Tensor& save_invstd, bool training,
                                          const Tensor& grad_x, const Tensor& grad_weight,
                                          const Tensor& grad_bias) {
  if (x.dtype() == kFloat64)
    bn_backward<double>(grad_out, x, weight, save_mean, save_invstd, training, grad_x, grad_weight,
                        grad_bias);
  else
    bn_backward<float>(grad_out, x, weight, save_mean, save_invstd, training, grad_x, grad_weight,
                       grad_bias);
}

}  // namespace nw
