#pragma once
// The activations of the CPU recurrent kernels, written so that the compiler vectorises the gate
// loops: float sigmoid and tanh are branch-free polynomial approximations (within 4e-7 relative
// of the exact values), because libm's scalar expf/tanhf would make the gate loops cost as much
// as the GEMMs. float64 (gradcheck's dtype) uses the exact libm functions.
#include <cmath>
#include <cstdint>
#include <cstring>

// A gate loop marked NW_RNN_SIMD is compiled for AVX-512, AVX2+FMA and the baseline ISA, and the
// loader picks the widest the CPU has (the rest of the build targets the baseline). Its helpers
// are NW_RNN_INLINE. Both turn off trapping-math so the vectoriser may if-convert the clamps
// below: these loops neither test nor raise floating-point exceptions. (The flag must sit on the
// inlined helpers too; on the loop's function alone GCC 12 still refuses.)
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define NW_RNN_SIMD                                                            \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"), \
                 optimize("no-trapping-math")))
#define NW_RNN_INLINE inline __attribute__((always_inline, optimize("no-trapping-math")))
#else
#define NW_RNN_SIMD
#define NW_RNN_INLINE inline
#endif

namespace nw::cpu::rnn_math {

// e^x for x clamped to [-87, 88]: 2^n * p(r) with n = round(x / ln 2), |r| <= ln(2) / 2 and
// Cephes' degree-6 polynomial; 8e-8 relative error.
NW_RNN_INLINE float exp_approx(float x) {
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  // Adding and subtracting 1.5 * 2^23 rounds to the nearest integer without a branch or a call.
  const float fn = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  const float r = x - fn * 0.693359375f + fn * 2.12194440e-4f;  // ln 2 split in two parts
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const int32_t bits = (int32_t(fn) + 127) << 23;  // 2^n as a float's exponent field
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

NW_RNN_INLINE float sigmoid(float x) {
  return 1.0f / (1.0f + exp_approx(-x));
}

// Eigen's rational approximation (odd degree 13 over even degree 6) on [-7.9, 7.9], where
// float's tanh saturates to +-1; 4e-7 relative error, also near 0 where 1 - 2 / (e^2x + 1)
// would cancel.
NW_RNN_INLINE float tanh(float x) {
  constexpr float kClamp = 7.90531110763549805f;
  x = x < -kClamp ? -kClamp : x;
  x = x > kClamp ? kClamp : x;
  const float x2 = x * x;
  float p = -2.76076847742355e-16f;
  p = p * x2 + 2.00018790482477e-13f;
  p = p * x2 + -8.60467152213735e-11f;
  p = p * x2 + 5.12229709037114e-08f;
  p = p * x2 + 1.48572235717979e-05f;
  p = p * x2 + 6.37261928875436e-04f;
  p = p * x2 + 4.89352455891786e-03f;
  p = p * x;
  float q = 1.19825839466702e-06f;
  q = q * x2 + 1.18534705686654e-04f;
  q = q * x2 + 2.26843463243900e-03f;
  q = q * x2 + 4.89352518554385e-03f;
  return p / q;
}

NW_RNN_INLINE double sigmoid(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}
NW_RNN_INLINE double tanh(double x) {
  return std::tanh(x);
}

}  // namespace nw::cpu::rnn_math
