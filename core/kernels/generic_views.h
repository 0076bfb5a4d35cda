#pragma once
// Helpers shared by the generic layer kernels (generic_*.cpp): padded copies of a batch of
// planes, and how many images one im2col buffer may hold.
#include <algorithm>

#include "tensor/creation.h"

namespace nw::generic {

inline TensorOptions like(const Tensor& t) {
  return TensorOptions(t.dtype()).device(t.device());
}

// A kernel's outputs arrive as const handles to preallocated tensors; a copy of the handle writes
// into the same storage.
inline Tensor writable(const Tensor& t) {
  return t;
}

// x (N, C, H, W) copied into the interior of an (N, C, Hp, Wp) tensor filled with `fill`, with
// pad_h rows above and pad_w columns left of it; Hp >= H + pad_h, Wp >= W + pad_w. x itself when
// nothing is padded.
inline Tensor padded(const Tensor& x, int64_t Hp, int64_t Wp, int64_t pad_h, int64_t pad_w,
                     double fill) {
  const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  if (Hp == H && Wp == W && x.is_contiguous()) return x;
  Tensor xp = full({N, C, Hp, Wp}, fill, like(x));
  xp.narrow(2, pad_h, H).narrow(3, pad_w, W).copy_(x);
  return xp;
}

// The extent a padded plane needs: the input after its leading padding, and every window.
inline int64_t padded_extent(int64_t in, int64_t pad, int64_t out, int64_t stride, int64_t kernel,
                             int64_t dilation) {
  return std::max(in + pad, (out - 1) * stride + (kernel - 1) * dilation + 1);
}

// Images per chunk so that one im2col buffer stays near 2^26 elements (256 MiB of float32).
inline int64_t images_per_chunk(int64_t N, int64_t per_image) {
  constexpr int64_t kMaxElements = int64_t(1) << 26;
  return std::clamp<int64_t>(kMaxElements / std::max<int64_t>(per_image, 1), 1,
                             std::max<int64_t>(N, 1));
}

}  // namespace nw::generic
