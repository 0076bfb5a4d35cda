#pragma once
// The scalar math of the elementwise activations and their derivatives, written once as NW_HD
// functors: the CPU strided loops (core/nn/functional/cpu_map.h) instantiate them now, and the
// CUDA backend can instantiate the same functors in its kernels. Each `*Backward` functor maps
// (upstream gradient, forward input) to the input gradient, as PyTorch's *_backward kernels do.
#include <cmath>

#include "backend/elementwise_math.h"

namespace nw::math {

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
