#pragma once
// The scalar math of the elementwise kernels, written once for every device: the CPU loops and
// (later) the CUDA kernels instantiate these same functors, so the CPU tests cover both.
#include <cmath>
#include <type_traits>

#ifdef __CUDACC__
#define NW_HD __host__ __device__ inline
#else
#define NW_HD inline
#endif

namespace nw::math {

template <typename T>
NW_HD bool is_nan(T x) {
  if constexpr (std::is_floating_point_v<T>) return x != x;
  return false;
}

// max/min that propagate NaN, as torch.maximum and torch.max do.
template <typename T>
NW_HD T max_nan(T a, T b) {
  return (a > b || is_nan(a)) ? a : b;
}
template <typename T>
NW_HD T min_nan(T a, T b) {
  return (a < b || is_nan(a)) ? a : b;
}

template <typename T>
NW_HD T sigmoid(T x) {
  // Split by sign so exp never overflows.
  if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
  T e = std::exp(x);
  return e / (T(1) + e);
}

template <typename T>
NW_HD T pow_scalar(T x, double e) {
  if constexpr (std::is_same_v<T, bool>) {
    return e == 0.0 ? true : x;
  } else {
    if (e == 2.0) return x * x;
    if (e == 1.0) return x;
    if (e == 3.0) return x * x * x;
    if (e == 0.5) return static_cast<T>(std::sqrt(static_cast<double>(x)));
    return static_cast<T>(std::pow(static_cast<double>(x), e));
  }
}

// a ** b for two tensors of one dtype, as torch.pow: floats through pow; integers by squaring,
// where a negative exponent truncates to 0 unless the base is 1; bools as "a or not b".
template <typename T>
NW_HD T pow_value(T a, T b) {
  if constexpr (std::is_same_v<T, bool>) {
    return a || !b;
  } else if constexpr (std::is_integral_v<T>) {
    if constexpr (std::is_signed_v<T>)
      if (b < 0) return a == 1 ? 1 : 0;
    T r = 1;
    for (T e = b, base = a; e > 0; e >>= 1, base = T(base * base))
      if (e & 1) r = T(r * base);
    return r;
  } else {
    return std::pow(a, b);
  }
}

}  // namespace nw::math
