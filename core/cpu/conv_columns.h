#pragma once
// How the CPU convolution lays out and batches its columns (conv_im2col.h has the pieces).
//
// Chunks: a large plane (P >= 256 output positions) is one GEMM per image that reads x or
// grad_out and writes the output in place ("direct"); small planes, as in later layers, put the
// columns of several images side by side (K, n * Q) so OpenBLAS sees one wide matrix, as many
// images as fit a budget that stays in cache. The product then goes back to (N, O, oH, oW) order
// in a copy that also adds the bias.
//
// Wide columns: in a chunk of a unit-stride convolution, an image has Q = oH * Wp columns
// instead of P = oH * oW, Wp being the width of the padded input; column oh * Wp + ow is output
// position (oh, ow), and those with ow >= oW are computed and dropped. Then the row of tap
// (c, ki, kj) is ONE slice of the padded plane, so im2col and col2im move a few long slices
// instead of oH pieces of oW elements: on 13x13 planes that replaces ~200 000 copies of 11
// floats per batch, which cost more than the GEMMs grow (Wp / oW, 18 % for 3x3 on 13x13).
// NOTE: a dropped column multiplies a real input value by a zero gradient, so an infinite input
// can turn a weight gradient NaN where PyTorch's stays finite; its forward output is not finite
// either way.
#include <algorithm>
#include <vector>

#include "cpu/conv_im2col.h"

namespace nw::cpu {

template <typename T>
class ColumnPlan {
 public:
  ColumnPlan(const ConvShape& s, const ConvGeometry& g) : s_(s), g_(g) {
    constexpr int64_t kLargePlane = 256;
    constexpr int64_t kColumnBudget = int64_t(4) << 20;  // bytes
    direct_ = s.P >= kLargePlane;
    Hp_ = s.oH + g.dilation_h * (s.kH - 1);
    Wp_ = s.oW + g.dilation_w * (s.kW - 1);
    wide_ = !direct_ && g.stride_h == 1 && g.stride_w == 1 && 3 * s.oH * Wp_ <= 4 * s.P;
    Q_ = wide_ ? s.oH * Wp_ : s.P;
    padded_ = wide_ && (g.pad_h != 0 || g.pad_w != 0 || Hp_ != s.H || Wp_ != s.W);
    const int64_t per_image = std::max<int64_t>(1, s.groups * s.K * Q_ * int64_t(sizeof(T)));
    chunk_ =
        direct_ ? 1 : std::clamp<int64_t>(kColumnBudget / per_image, 1, std::max<int64_t>(s.N, 1));
  }

  int64_t chunk() const { return chunk_; }
  bool direct() const { return direct_; }
  // Columns per image in a chunk's matrices.
  int64_t columns() const { return Q_; }
  // Direct and pointwise: x is its own column matrix and dx its own col2im target.
  bool in_place() const { return direct_ && s_.pointwise(g_); }
  size_t column_elems() const { return size_t(s_.groups * s_.K * chunk_ * Q_); }
  size_t output_elems() const { return direct_ ? 0 : size_t(s_.O * chunk_ * Q_); }
  size_t padded_elems() const { return padded_ ? size_t(chunk_ * s_.C * Hp_ * Wp_) : 0; }

  // Columns of images [n0, n0 + count) of x: (C * kH * kW, count * Q).
  void im2col(const T* x, int64_t n0, int64_t count, T* col, T* pad) const {
    const int64_t ld = count * Q_, kk = s_.kH * s_.kW;
    const int threads = threads_for(count * s_.C * kk * Q_, count * s_.C);
#pragma omp parallel for collapse(2) num_threads(threads) if (threads > 1)
    for (int64_t i = 0; i < count; ++i)
      for (int64_t c = 0; c < s_.C; ++c) {
        const T* plane = x + ((n0 + i) * s_.C + c) * s_.H * s_.W;
        T* rows = col + c * kk * ld + i * Q_;
        if (!wide_) {
          im2col_channel(plane, s_, g_, rows, ld);
          continue;
        }
        if (padded_) plane = pad_plane(plane, pad + (i * s_.C + c) * Hp_ * Wp_);
        for (int64_t ki = 0; ki < s_.kH; ++ki)
          for (int64_t kj = 0; kj < s_.kW; ++kj) {
            // The tail of the last rows' slices runs past the plane: those columns are
            // dropped, so zeros stand in for them.
            const int64_t off = ki * g_.dilation_h * Wp_ + kj * g_.dilation_w;
            const int64_t n = std::min(Q_, Hp_ * Wp_ - off);
            T* row = rows + (ki * s_.kW + kj) * ld;
            std::copy(plane + off, plane + off + n, row);
            std::fill(row + n, row + Q_, T(0));
          }
      }
  }

  // Adds columns laid out as im2col makes them into images [n0, n0 + count) of dx (zeroed
  // here).
  void col2im(const T* col, int64_t n0, int64_t count, T* dx, T* pad) const {
    const int64_t ld = count * Q_, kk = s_.kH * s_.kW;
    const int threads = threads_for(count * s_.C * kk * Q_, count * s_.C);
#pragma omp parallel for collapse(2) num_threads(threads) if (threads > 1)
    for (int64_t i = 0; i < count; ++i)
      for (int64_t c = 0; c < s_.C; ++c) {
        T* plane = dx + ((n0 + i) * s_.C + c) * s_.H * s_.W;
        const T* rows = col + c * kk * ld + i * Q_;
        T* target = padded_ ? pad + (i * s_.C + c) * Hp_ * Wp_ : plane;
        std::fill(target, target + (padded_ ? Hp_ * Wp_ : s_.H * s_.W), T(0));
        if (!wide_) {
          col2im_channel(rows, s_, g_, plane, ld);
          continue;
        }
        for (int64_t ki = 0; ki < s_.kH; ++ki)
          for (int64_t kj = 0; kj < s_.kW; ++kj) {
            const int64_t off = ki * g_.dilation_h * Wp_ + kj * g_.dilation_w;
            const int64_t n = std::min(Q_, Hp_ * Wp_ - off);
            const T* row = rows + (ki * s_.kW + kj) * ld;
            T* dst = target + off;
            for (int64_t j = 0; j < n; ++j) dst[j] += row[j];
          }
        if (padded_) unpad_plane(target, plane);
      }
  }

  // grad_out images [n0, n0 + count) as the matrix (O, count * Q), zeros in dropped columns.
  void gather(const T* y, int64_t n0, int64_t count, T* m) const {
    const int64_t ld = count * Q_;
    const int threads = threads_for(count * s_.O * Q_, count * s_.O);
#pragma omp parallel for collapse(2) num_threads(threads) if (threads > 1)
    for (int64_t o = 0; o < s_.O; ++o)
      for (int64_t i = 0; i < count; ++i) {
        const T* src = y + ((n0 + i) * s_.O + o) * s_.P;
        T* dst = m + o * ld + i * Q_;
        if (!wide_) {
          std::copy(src, src + s_.P, dst);
          continue;
        }
        for (int64_t oh = 0; oh < s_.oH; ++oh) {
          std::copy(src + oh * s_.oW, src + (oh + 1) * s_.oW, dst + oh * Wp_);
          std::fill(dst + oh * Wp_ + s_.oW, dst + (oh + 1) * Wp_, T(0));
        }
      }
  }

  // The chunk's product (O, count * Q) plus bias (may be null) into output images [n0, n0+count).
  void scatter(const T* m, const T* bias, int64_t n0, int64_t count, T* y) const {
    const int64_t ld = count * Q_;
    const int threads = threads_for(count * s_.O * Q_, count * s_.O);
#pragma omp parallel for collapse(2) num_threads(threads) if (threads > 1)
    for (int64_t i = 0; i < count; ++i)
      for (int64_t o = 0; o < s_.O; ++o) {
        const T* src = m + o * ld + i * Q_;
        T* dst = y + ((n0 + i) * s_.O + o) * s_.P;
        const T b = bias ? bias[o] : T(0);
        const int64_t stride = wide_ ? Wp_ : s_.oW;
        for (int64_t oh = 0; oh < s_.oH; ++oh)
          for (int64_t ow = 0; ow < s_.oW; ++ow) dst[oh * s_.oW + ow] = src[oh * stride + ow] + b;
      }
  }

 private:
  // The plane inside zeros: pad_h rows above, pad_w columns left, and up to Hp x Wp in all
  // (an input row or column past that takes part in no output and is left out).
  const T* pad_plane(const T* plane, T* out) const {
    std::fill(out, out + Hp_ * Wp_, T(0));
    const int64_t rows = interior_rows(), cols = interior_cols();
    for (int64_t h = 0; h < rows; ++h)
      std::copy(plane + h * s_.W, plane + h * s_.W + cols, out + (h + g_.pad_h) * Wp_ + g_.pad_w);
    return out;
  }
  // The adjoint of pad_plane: the interior back into the plane (input cells outside get zero).
  void unpad_plane(const T* padded, T* plane) const {
    const int64_t rows = interior_rows(), cols = interior_cols();
    for (int64_t h = 0; h < rows; ++h) {
      const T* src = padded + (h + g_.pad_h) * Wp_ + g_.pad_w;
      std::copy(src, src + cols, plane + h * s_.W);
      std::fill(plane + h * s_.W + cols, plane + (h + 1) * s_.W, T(0));
    }
    std::fill(plane + rows * s_.W, plane + s_.H * s_.W, T(0));
  }

  int64_t interior_rows() const {
    return std::clamp<int64_t>(Hp_ - g_.pad_h, 0, s_.H);
  }
  int64_t interior_cols() const {
    return std::clamp<int64_t>(Wp_ - g_.pad_w, 0, s_.W);
  }

  ConvShape s_;
  ConvGeometry g_;
  bool direct_, wide_, padded_;
  int64_t Hp_, Wp_, Q_, chunk_;
};

}  // namespace nw::cpu
