#pragma once
// The scalar math of the activations and their derivatives, written once as NW_HD functors
// (host and device): the CPU backend's loops (core/cpu/cpu_elementwise.cpp) and the CUDA
// plugin's kernels (gpu/elementwise.cu) both instantiate these, for the UnaryOp / BinaryOp of
// the same name (backend/backend.h), so a test on either device checks the one formula. Each
// `*Backward` functor maps (upstream gradient, forward input) to the input gradient, as
// PyTorch's *_backward kernels do.
#include <cmath>
#include <type_traits>

#include "backend/elementwise_math.h"

namespace nw::math {

// NaN passes through, as in PyTorch: a NaN loss must not be hidden. Unsigned types (uint8, bool)
// have nothing below zero, and comparing them with it only draws warnings.
struct Relu {
  template <typename T>
  NW_HD T operator()(T x) const {
    if constexpr (std::is_unsigned_v<T>)
      return x;
    else
      return x < T(0) ? T(0) : x;
  }
};
// relu's derivative as a mask: 1 where x > 0, else 0.
struct ReluMask {
  template <typename T>
  NW_HD T operator()(T x) const {
    return x > T(0) ? T(1) : T(0);
  }
};

// Dropout's mask from a uniform draw u in [0, 1): `scale` (1 / keep) with probability keep,
// else 0.
struct KeepMask {
  double keep, scale;
  template <typename T>
  NW_HD T operator()(T u) const {
    return u < T(keep) ? T(scale) : T(0);
  }
};

struct LeakyRelu {
  double negative_slope;
  template <typename T>
  NW_HD T operator()(T x) const {
    return x > T(0) ? x : x * T(negative_slope);
  }
};
struct LeakyReluBackward {
  double negative_slope;
  template <typename T>
  NW_HD T operator()(T g, T x) const {
    return x > T(0) ? g : g * T(negative_slope);
  }
};

// expm1 keeps alpha * (e^x - 1) accurate for small |x|, where e^x - 1 cancels.
struct Elu {
  double alpha;
  template <typename T>
  NW_HD T operator()(T x) const {
    return x > T(0) ? x : T(alpha) * std::expm1(x);
  }
};
struct EluBackward {
  double alpha;
  template <typename T>
  NW_HD T operator()(T g, T x) const {
    return x > T(0) ? g : g * T(alpha) * std::exp(x);
  }
};

// gelu(x) = x * Phi(x) with the exact normal CDF Phi(x) = (1 + erf(x / sqrt 2)) / 2.
struct Gelu {
  template <typename T>
  NW_HD T operator()(T x) const {
    return T(0.5) * x * (T(1) + std::erf(x * T(M_SQRT1_2)));
  }
};
struct GeluBackward {
  template <typename T>
  NW_HD T operator()(T g, T x) const {
    const T cdf = T(0.5) * (T(1) + std::erf(x * T(M_SQRT1_2)));
    const T pdf = std::exp(T(-0.5) * x * x) * T(0.5 * M_2_SQRTPI * M_SQRT1_2);
    return g * (cdf + x * pdf);
  }
};

// PyTorch's approximate="tanh": Phi(x) ~ (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2.
inline constexpr double kGeluBeta = M_SQRT2 * M_2_SQRTPI * 0.5;
inline constexpr double kGeluKappa = 0.044715;
struct GeluTanh {
  template <typename T>
  NW_HD T operator()(T x) const {
    const T inner = T(kGeluBeta) * (x + T(kGeluKappa) * x * x * x);
    return T(0.5) * x * (T(1) + std::tanh(inner));
  }
};
struct GeluTanhBackward {
  template <typename T>
  NW_HD T operator()(T g, T x) const {
    const T x2 = x * x;
    const T th = std::tanh(T(kGeluBeta) * (x + T(kGeluKappa) * x2 * x));
    const T left = T(0.5) * (T(1) + th);
    const T right = T(0.5) * x * (T(1) - th * th) * T(kGeluBeta) * (T(1) + T(3 * kGeluKappa) * x2);
    return g * (left + right);
  }
};

// silu(x) = x * sigmoid(x); the sign-split sigmoid never overflows.
struct Silu {
  template <typename T>
  NW_HD T operator()(T x) const {
    return x * sigmoid(x);
  }
};
struct SiluBackward {
  template <typename T>
  NW_HD T operator()(T g, T x) const {
    const T s = sigmoid(x);
    return g * s * (T(1) + x * (T(1) - s));
  }
};

}  // namespace nw::math
