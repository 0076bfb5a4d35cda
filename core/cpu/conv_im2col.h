#pragma once
// The pieces the CPU convolution is built from: its shape, scratch memory, GEMM, and the
// per-channel im2col / col2im copies. A convolution becomes a matrix product once each output
// position's receptive field is copied into a column ("im2col"): for one group, the weight
// (O/g, K) times the columns (K, P) gives the output (O/g, P), with K = C/g * kH * kW and
// P = oH * oW. How columns are laid out and batched is conv_columns.h's business.
#include <cblas.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "backend/layer_kernels.h"
#include "backend/threads.h"
#include "cpu/host_allocator.h"

namespace nw::cpu {

struct ConvShape {
  int64_t N, C, H, W;  // input
  int64_t O, oH, oW;   // output
  int64_t kH, kW;
  int64_t groups, Cg, Og;
  int64_t K;  // rows of one group's column matrix: Cg * kH * kW
  int64_t P;  // output positions per image: oH * oW

  // x: (N, C, H, W), w: (O, C/groups, kH, kW), y: (N, O, oH, oW)
  ConvShape(const Tensor& x, const Tensor& w, const Tensor& y, int64_t g)
      : N(x.size(0)),
        C(x.size(1)),
        H(x.size(2)),
        W(x.size(3)),
        O(y.size(1)),
        oH(y.size(2)),
        oW(y.size(3)),
        kH(w.size(2)),
        kW(w.size(3)),
        groups(g),
        Cg(C / g),
        Og(O / g),
        K(Cg * kH * kW),
        P(oH * oW) {}
  // A 1x1 window with unit stride and no padding: an image already is its column matrix.
  bool pointwise(const ConvGeometry& g) const {
    return kH == 1 && kW == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_h == 0 &&
           g.pad_w == 0 && oH == H && oW == W;
  }
};

// Scratch memory from the host allocator, whose free lists hand the same block back on the next
// call: no page faults and no zeroing per batch.
class Workspace {
 public:
  explicit Workspace(size_t bytes) : p_(bytes ? host_allocate(bytes) : nullptr) {}
  ~Workspace() { host_deallocate(p_); }
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  template <typename T>
  T* as() const {
    return static_cast<T*>(p_);
  }

 private:
  void* p_;
};

// Row-major C = alpha op(A) op(B) + beta C.
inline void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                 int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, int(m),
              int(n), int(k), alpha, a, int(lda), b, int(ldb), beta, c, int(ldc));
}
inline void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha, const double* a,
                 int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, int(m),
              int(n), int(k), alpha, a, int(lda), b, int(ldb), beta, c, int(ldc));
}

// Threads for a loop over `items` pieces of `work` elements in all: one below the grain, where a
// parallel region costs more than it saves.
inline int threads_for(int64_t work, int64_t items) {
  constexpr int64_t kGrain = 32768;
  if (work < kGrain || items < 2) return 1;
  return int(std::min<int64_t>(get_num_threads(), items));
}

// The output columns [lo, hi) whose input column ow * stride + offset lies inside [0, W).
inline void valid_range(int64_t offset, int64_t stride, int64_t W, int64_t oW, int64_t& lo,
                        int64_t& hi) {
  lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  hi = W - offset <= 0 ? 0 : (W - offset + stride - 1) / stride;
  lo = std::min(lo, oW);
  hi = std::clamp(hi, lo, oW);
}

// Copies channel c of one image (H, W) into its kH * kW rows of a column matrix whose rows are
// `ld` apart; zeros where the window hangs over the padding.
template <typename T>
void im2col_channel(const T* plane, const ConvShape& s, const ConvGeometry& g, T* rows,
                    int64_t ld) {
  for (int64_t ki = 0; ki < s.kH; ++ki)
    for (int64_t kj = 0; kj < s.kW; ++kj) {
      T* row = rows + (ki * s.kW + kj) * ld;
      const int64_t off_w = kj * g.dilation_w - g.pad_w;
      int64_t lo, hi;
      valid_range(off_w, g.stride_w, s.W, s.oW, lo, hi);
      for (int64_t oh = 0; oh < s.oH; ++oh) {
        T* dst = row + oh * s.oW;
        const int64_t ih = oh * g.stride_h - g.pad_h + ki * g.dilation_h;
        if (ih < 0 || ih >= s.H) {
          std::fill(dst, dst + s.oW, T(0));
          continue;
        }
        const T* src = plane + ih * s.W + off_w;
        std::fill(dst, dst + lo, T(0));
        if (g.stride_w == 1) {
          // Rows are short (tens of elements): a plain loop beats a memcpy call.
          for (int64_t ow = lo; ow < hi; ++ow) dst[ow] = src[ow];
        } else {
          for (int64_t ow = lo; ow < hi; ++ow) dst[ow] = src[ow * g.stride_w];
        }
        std::fill(dst + hi, dst + s.oW, T(0));
      }
    }
}

// The adjoint of im2col_channel: adds the rows back into the plane (which the caller zeroed).
template <typename T>
void col2im_channel(const T* rows, const ConvShape& s, const ConvGeometry& g, T* plane,
                    int64_t ld) {
  for (int64_t ki = 0; ki < s.kH; ++ki)
    for (int64_t kj = 0; kj < s.kW; ++kj) {
      const T* row = rows + (ki * s.kW + kj) * ld;
      const int64_t off_w = kj * g.dilation_w - g.pad_w;
      int64_t lo, hi;
      valid_range(off_w, g.stride_w, s.W, s.oW, lo, hi);
      for (int64_t oh = 0; oh < s.oH; ++oh) {
        const int64_t ih = oh * g.stride_h - g.pad_h + ki * g.dilation_h;
        if (ih < 0 || ih >= s.H) continue;
        const T* src = row + oh * s.oW;
        T* dst = plane + ih * s.W + off_w;
        if (g.stride_w == 1) {
          for (int64_t ow = lo; ow < hi; ++ow) dst[ow] += src[ow];
        } else {
          for (int64_t ow = lo; ow < hi; ++ow) dst[ow * g.stride_w] += src[ow];
        }
      }
    }
}

// The sum of n values in double, from eight running partial sums that the compiler can keep in
// one vector register (a single running sum is a chain of dependent adds).
template <typename T>
double sum_of(const T* p, int64_t n) {
  T part[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) part[j] += p[i + j];
  double s = 0;
  for (int j = 0; j < 8; ++j) s += double(part[j]);
  for (; i < n; ++i) s += double(p[i]);
  return s;
}

}  // namespace nw::cpu
