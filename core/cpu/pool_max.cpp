// Max pooling on the CPU, one (image, channel) plane per task. The 2x2 window with stride 2 (the
// tutorial CNN's pooling) has its own branch-light loop; every other window takes the general
// one, which follows PyTorch's scan order so ties and NaNs pick the same index.
#include <algorithm>
#include <limits>
#include <type_traits>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "cpu/conv_im2col.h"
#include "cpu/cpu_layer_kernels.h"

namespace nw {

namespace {

// PyTorch's rule, applied in row-major window order: a larger value or any NaN takes over.
template <typename T>
inline void take_max(T v, int64_t i, T& best, int64_t& at) {
  if (v > best || v != v) {
    best = v;
    at = i;
  }
}

// One output row of the 2x2 / stride 2 window, scalar. Written without early exits so that the
// compiler turns the comparisons into selects: pooled data are random, so branches on them
// mispredict about half the time.
template <typename T>
void max_pool_2x2_row(const T* r0, const T* r1, int64_t base, int64_t W, int64_t oW, T* y,
                      int64_t* idx) {
  for (int64_t ow = 0; ow < oW; ++ow) {
    const T a = r0[2 * ow], b = r0[2 * ow + 1], c = r1[2 * ow], d = r1[2 * ow + 1];
    T best = a;
    int64_t at = 0;
    const bool tb = (b > best) | (b != b);
    best = tb ? b : best;
    at = tb ? 1 : at;
    const bool tc = (c > best) | (c != c);
    best = tc ? c : best;
    at = tc ? W : at;
    const bool td = (d > best) | (d != d);
    best = td ? d : best;
    at = td ? W + 1 : at;
    y[ow] = best;
    idx[ow] = base + 2 * ow + at;
  }
}

#if defined(__x86_64__)
#define NW_AVX2 __attribute__((target("avx2")))

// The even and odd columns of the first 2n (at most 16) floats at p, in order; lanes past n
// are zero. Masked loads never touch memory past the 2n floats.
NW_AVX2 inline void split_even_odd(const float* p, int64_t n, __m256& even, __m256& odd) {
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i m_lo = _mm256_cmpgt_epi32(_mm256_set1_epi32(int(2 * n)), lane);
  const __m256i m_hi = _mm256_cmpgt_epi32(_mm256_set1_epi32(int(2 * n - 8)), lane);
  const __m256 lo = n >= 8 ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, m_lo);
  const __m256 hi = n >= 8 ? _mm256_loadu_ps(p + 8) : _mm256_maskload_ps(p + 8, m_hi);
  even = _mm256_castpd_ps(_mm256_permute4x64_pd(
      _mm256_castps_pd(_mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0))), 0xD8));
  odd = _mm256_castpd_ps(_mm256_permute4x64_pd(
      _mm256_castps_pd(_mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 3, 1))), 0xD8));
}

// take_max on eight lanes: v (at offset k) wins where it is larger or NaN.
NW_AVX2 inline void take_max8(__m256 v, __m256i k, __m256& best, __m256i& at) {
  const __m256 m =
      _mm256_or_ps(_mm256_cmp_ps(v, best, _CMP_GT_OQ), _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
  best = _mm256_blendv_ps(best, v, m);
  at = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(at), _mm256_castsi256_ps(k), m));
}

// One output row, eight outputs at a time (the last group masked): de-interleave the even and
// odd columns of both input rows, then the select chain of take_max.
NW_AVX2 void max_pool_2x2_row_avx2(const float* r0, const float* r1, int64_t base, int64_t W,
                                   int64_t oW, float* y, int64_t* idx) {
  const __m256i one = _mm256_set1_epi32(1), w0 = _mm256_set1_epi32(int(W)),
                w1 = _mm256_set1_epi32(int(W + 1)),
                lane2 = _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14);
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i lane64 = _mm256_setr_epi64x(0, 1, 2, 3);
  for (int64_t ow = 0; ow < oW; ow += 8) {
    const int64_t n = std::min<int64_t>(8, oW - ow);
    __m256 a, b, c, d;
    split_even_odd(r0 + 2 * ow, n, a, b);
    split_even_odd(r1 + 2 * ow, n, c, d);
    __m256 best = a;
    __m256i at = _mm256_setzero_si256();
    take_max8(b, one, best, at);
    take_max8(c, w0, best, at);
    take_max8(d, w1, best, at);
    // Plane positions fit in 32 bits (checked by the caller); widen them for the int64 indices.
    at = _mm256_add_epi32(at, _mm256_add_epi32(lane2, _mm256_set1_epi32(int(base + 2 * ow))));
    const __m256i i_lo = _mm256_cvtepi32_epi64(_mm256_castsi256_si128(at));
    const __m256i i_hi = _mm256_cvtepi32_epi64(_mm256_extracti128_si256(at, 1));
    auto* out = reinterpret_cast<long long*>(idx + ow);
    if (n == 8) {
      _mm256_storeu_ps(y + ow, best);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), i_lo);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 4), i_hi);
    } else {
      _mm256_maskstore_ps(y + ow, _mm256_cmpgt_epi32(_mm256_set1_epi32(int(n)), lane), best);
      _mm256_maskstore_epi64(out, _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), lane64), i_lo);
      _mm256_maskstore_epi64(out + 4, _mm256_cmpgt_epi64(_mm256_set1_epi64x(n - 4), lane64), i_hi);
    }
  }
}

bool has_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}
#endif

template <typename T>
void max_pool_2x2(const T* x, int64_t H, int64_t W, int64_t oH, int64_t oW, T* y, int64_t* idx) {
  for (int64_t oh = 0; oh < oH; ++oh) {
    const T* r0 = x + 2 * oh * W;
    const T* r1 = r0 + W;
    const int64_t base = 2 * oh * W;
#if defined(__x86_64__)
    if constexpr (std::is_same_v<T, float>)
      if (has_avx2() && H * W < (int64_t(1) << 31)) {
        max_pool_2x2_row_avx2(r0, r1, base, W, oW, y + oh * oW, idx + oh * oW);
        continue;
      }
#endif
    max_pool_2x2_row(r0, r1, base, W, oW, y + oh * oW, idx + oh * oW);
  }
}

template <typename T>
void max_pool_plane(const T* x, int64_t H, int64_t W, int64_t oH, int64_t oW, const PoolGeometry& g,
                    T* y, int64_t* idx) {
  for (int64_t oh = 0; oh < oH; ++oh) {
    int64_t h0 = oh * g.stride_h - g.pad_h;
    const int64_t h1 = std::min(h0 + (g.kernel_h - 1) * g.dilation_h + 1, H);
    while (h0 < 0) h0 += g.dilation_h;
    for (int64_t ow = 0; ow < oW; ++ow) {
      int64_t w0 = ow * g.stride_w - g.pad_w;
      const int64_t w1 = std::min(w0 + (g.kernel_w - 1) * g.dilation_w + 1, W);
      while (w0 < 0) w0 += g.dilation_w;
      T best = -std::numeric_limits<T>::infinity();
      int64_t at = h0 * W + w0;
      for (int64_t ih = h0; ih < h1; ih += g.dilation_h)
        for (int64_t iw = w0; iw < w1; iw += g.dilation_w)
          take_max(x[ih * W + iw], ih * W + iw, best, at);
      y[oh * oW + ow] = best;
      idx[oh * oW + ow] = at;
    }
  }
}

template <typename T>
void max_pool_forward(const Tensor& x, const Tensor& out, const Tensor& indices,
                      const PoolGeometry& g) {
  const int64_t planes = x.size(0) * x.size(1), H = x.size(2), W = x.size(3);
  const int64_t oH = out.size(2), oW = out.size(3);
  const T* px = x.data_ptr<T>();
  T* py = out.data_ptr<T>();
  int64_t* pi = indices.data_ptr<int64_t>();
  // The fast loop needs every window inside the input (no padding, no ceil_mode overhang).
  const bool two_by_two = g.kernel_h == 2 && g.kernel_w == 2 && g.stride_h == 2 &&
                          g.stride_w == 2 && g.pad_h == 0 && g.pad_w == 0 && g.dilation_h == 1 &&
                          g.dilation_w == 1 && 2 * oH <= H && 2 * oW <= W;
  const int threads = cpu::threads_for(planes * H * W, planes);
#pragma omp parallel for num_threads(threads) if (threads > 1)
  for (int64_t p = 0; p < planes; ++p) {
    if (two_by_two)
      max_pool_2x2(px + p * H * W, H, W, oH, oW, py + p * oH * oW, pi + p * oH * oW);
    else
      max_pool_plane(px + p * H * W, H, W, oH, oW, g, py + p * oH * oW, pi + p * oH * oW);
  }
}

template <typename T>
void max_pool_backward(const Tensor& grad_out, const Tensor& indices, const Tensor& grad_x) {
  const int64_t planes = grad_x.size(0) * grad_x.size(1);
  const int64_t in_plane = grad_x.size(2) * grad_x.size(3);
  const int64_t out_plane = grad_out.size(2) * grad_out.size(3);
  const T* pg = grad_out.data_ptr<T>();
  const int64_t* pi = indices.data_ptr<int64_t>();
  T* pdx = grad_x.data_ptr<T>();
  const int threads = cpu::threads_for(planes * in_plane, planes);
#pragma omp parallel for num_threads(threads) if (threads > 1)
  for (int64_t p = 0; p < planes; ++p) {
    T* dx = pdx + p * in_plane;
    std::fill(dx, dx + in_plane, T(0));
    const T* go = pg + p * out_plane;
    const int64_t* ix = pi + p * out_plane;
    for (int64_t i = 0; i < out_plane; ++i) dx[ix[i]] += go[i];
  }
}

}  // namespace

void CpuLayerKernels::max_pool2d_forward(const Tensor& x, const Tensor& out, const Tensor& indices,
                                         const PoolGeometry& g) {
  if (out.numel() == 0) return;
  if (x.dtype() == kFloat64)
    max_pool_forward<double>(x, out, indices, g);
  else
    max_pool_forward<float>(x, out, indices, g);
}

void CpuLayerKernels::max_pool2d_backward(const Tensor& grad_out, const Tensor& indices,
                                          const Tensor& grad_x) {
  if (grad_x.numel() == 0) return;
  if (grad_x.dtype() == kFloat64)
    max_pool_backward<double>(grad_out, indices, grad_x);
  else
    max_pool_backward<float>(grad_out, indices, grad_x);
}

}  // namespace nw
