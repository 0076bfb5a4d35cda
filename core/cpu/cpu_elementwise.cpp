// Unary, binary and select kernels. The op switch sits outside the loops, so each loop body is one
// inlined functor that the compiler can vectorize on contiguous data.
#include <cmath>
#include <cstdlib>
#include <limits>

#include "backend/activation_math.h"
#include "backend/elementwise_math.h"
#include "cpu/cpu_backend.h"
#include "cpu/strided_loop.h"

namespace nw {

namespace {

template <typename O, typename T, typename F>
void binary_loop(const Tensor& a, const Tensor& b, const Tensor& out, F f) {
  auto loop = cpu::make_loop<3>(out.sizes(), {&out, &a, &b});
  cpu::run_loop<3>(loop,
                   {static_cast<char*>(out.raw_data()), static_cast<char*>(a.raw_data()),
                    static_cast<char*>(b.raw_data())},
                   true, [f](int64_t n, std::array<char*, 3> p, std::array<int64_t, 3> s) {
                     O* o = reinterpret_cast<O*>(p[0]);
                     const T* x = reinterpret_cast<const T*>(p[1]);
                     const T* y = reinterpret_cast<const T*>(p[2]);
                     if (s[0] == sizeof(O) && s[1] == sizeof(T) && s[2] == sizeof(T)) {
                       for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], y[i]);
                     } else if (s[0] == sizeof(O) && s[1] == sizeof(T) && s[2] == 0) {
                       const T yv = *y;
                       for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], yv);
                     } else if (s[0] == sizeof(O) && s[1] == 0 && s[2] == sizeof(T)) {
                       const T xv = *x;
                       for (int64_t i = 0; i < n; ++i) o[i] = f(xv, y[i]);
                     } else {
                       for (int64_t i = 0; i < n; ++i)
                         *reinterpret_cast<O*>(p[0] + i * s[0]) =
                             f(*reinterpret_cast<const T*>(p[1] + i * s[1]),
                               *reinterpret_cast<const T*>(p[2] + i * s[2]));
                     }
                   });
}

template <typename T, typename F>
void unary_loop(const Tensor& x, const Tensor& out, F f) {
  auto loop = cpu::make_loop<2>(out.sizes(), {&out, &x});
  cpu::run_loop<2>(loop, {static_cast<char*>(out.raw_data()), static_cast<char*>(x.raw_data())},
                   true, [f](int64_t n, std::array<char*, 2> p, std::array<int64_t, 2> s) {
                     T* o = reinterpret_cast<T*>(p[0]);
                     const T* v = reinterpret_cast<const T*>(p[1]);
                     if (s[0] == sizeof(T) && s[1] == sizeof(T)) {
                       if (o == v) {
                         for (int64_t i = 0; i < n; ++i) o[i] = f(o[i]);
                         return;
                       }
                       for (int64_t i = 0; i < n; ++i) o[i] = f(v[i]);
                     } else {
                       for (int64_t i = 0; i < n; ++i)
                         *reinterpret_cast<T*>(p[0] + i * s[0]) =
                             f(*reinterpret_cast<const T*>(p[1] + i * s[1]));
                     }
                   });
}

}  // namespace

void CpuBackend::binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out,
                        double alpha) {
  visit_dtype(a.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    switch (op) {
      case BinaryOp::Add:
        return binary_loop<T, T>(a, b, out, [](T x, T y) { return T(x + y); });
      case BinaryOp::Sub:
        return binary_loop<T, T>(a, b, out, [](T x, T y) { return T(x - y); });
      case BinaryOp::Mul:
        return binary_loop<T, T>(a, b, out, [](T x, T y) { return T(x * y); });
      case BinaryOp::Div:
        return binary_loop<T, T>(a, b, out, [](T x, T y) { return T(x / y); });
      case BinaryOp::AddScaled: {
        const T al = static_cast<T>(alpha);
        return binary_loop<T, T>(a, b, out, [al](T x, T y) { return T(x + al * y); });
      }
      case BinaryOp::Pow:
        return binary_loop<T, T>(a, b, out, math::pow_value<T>);
      case BinaryOp::Maximum:
        return binary_loop<T, T>(a, b, out, math::max_nan<T>);
      case BinaryOp::Minimum:
        return binary_loop<T, T>(a, b, out, math::min_nan<T>);
      case BinaryOp::LeakyReluBackward:
        if constexpr (std::is_floating_point_v<T>)
          return binary_loop<T, T>(a, b, out, math::LeakyReluBackward{alpha});
        break;
      case BinaryOp::EluBackward:
        if constexpr (std::is_floating_point_v<T>)
          return binary_loop<T, T>(a, b, out, math::EluBackward{alpha});
        break;
      case BinaryOp::GeluBackward:
        if constexpr (std::is_floating_point_v<T>)
          return binary_loop<T, T>(a, b, out, math::GeluBackward{});
        break;
      case BinaryOp::GeluTanhBackward:
        if constexpr (std::is_floating_point_v<T>)
          return binary_loop<T, T>(a, b, out, math::GeluTanhBackward{});
        break;
      case BinaryOp::SiluBackward:
        if constexpr (std::is_floating_point_v<T>)
          return binary_loop<T, T>(a, b, out, math::SiluBackward{});
        break;
      case BinaryOp::Eq:
        return binary_loop<bool, T>(a, b, out, [](T x, T y) { return x == y; });
      case BinaryOp::Ne:
        return binary_loop<bool, T>(a, b, out, [](T x, T y) { return x != y; });
      case BinaryOp::Lt:
        return binary_loop<bool, T>(a, b, out, [](T x, T y) { return x < y; });
      case BinaryOp::Le:
        return binary_loop<bool, T>(a, b, out, [](T x, T y) { return x <= y; });
      case BinaryOp::Gt:
        return binary_loop<bool, T>(a, b, out, [](T x, T y) { return x > y; });
      case BinaryOp::Ge:
        return binary_loop<bool, T>(a, b, out, [](T x, T y) { return x >= y; });
    }
    throw DTypeError(std::string("binary op: not defined for ") + dtype_name(a.dtype()));
  });
}

void CpuBackend::unary(UnaryOp op, const Tensor& x, const Tensor& out, double alpha, double beta) {
  visit_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    constexpr bool fp = std::is_floating_point_v<T>;
    switch (op) {
      case UnaryOp::Neg:
        return unary_loop<T>(x, out, [](T v) { return T(-v); });
      case UnaryOp::Abs:
        if constexpr (std::is_same_v<T, bool>)
          return unary_loop<T>(x, out, [](T v) { return v; });
        else
          return unary_loop<T>(x, out, [](T v) { return v < T(0) ? T(-v) : v; });
      case UnaryOp::Exp:
        return unary_loop<T>(x, out, [](T v) { return T(std::exp(v)); });
      case UnaryOp::Log:
        return unary_loop<T>(x, out, [](T v) { return T(std::log(v)); });
      case UnaryOp::Sqrt:
        return unary_loop<T>(x, out, [](T v) { return T(std::sqrt(v)); });
      case UnaryOp::Relu:
        return unary_loop<T>(x, out, math::Relu{});
      case UnaryOp::ReluMask:
        return unary_loop<T>(x, out, math::ReluMask{});
      case UnaryOp::Sigmoid:
        if constexpr (fp) return unary_loop<T>(x, out, [](T v) { return math::sigmoid(v); });
        break;
      case UnaryOp::Tanh:
        if constexpr (fp) return unary_loop<T>(x, out, [](T v) { return std::tanh(v); });
        break;
      case UnaryOp::Sign:
        return unary_loop<T>(x, out, [](T v) { return T((T(0) < v) - (v < T(0))); });
      case UnaryOp::Pow:
        return unary_loop<T>(x, out, [alpha](T v) { return math::pow_scalar(v, alpha); });
      case UnaryOp::Clamp: {
        // min(max(x, lo), hi) as torch.clamp (so min > max gives max); NaN passes through.
        const double lo = alpha, hi = beta;
        return unary_loop<T>(x, out, [lo, hi](T v) {
          double d = double(v);
          return d != d ? v : T(std::min(std::max(d, lo), hi));
        });
      }
      case UnaryOp::Affine: {
        const T al = T(alpha), be = T(beta);
        return unary_loop<T>(x, out, [al, be](T v) { return T(al * v + be); });
      }
      case UnaryOp::Not:
        return unary_loop<T>(x, out, [](T v) { return T(!v); });
      case UnaryOp::LeakyRelu:
        if constexpr (fp) return unary_loop<T>(x, out, math::LeakyRelu{alpha});
        break;
      case UnaryOp::Elu:
        if constexpr (fp) return unary_loop<T>(x, out, math::Elu{alpha});
        break;
      case UnaryOp::Gelu:
        if constexpr (fp) return unary_loop<T>(x, out, math::Gelu{});
        break;
      case UnaryOp::GeluTanh:
        if constexpr (fp) return unary_loop<T>(x, out, math::GeluTanh{});
        break;
      case UnaryOp::Silu:
        if constexpr (fp) return unary_loop<T>(x, out, math::Silu{});
        break;
      case UnaryOp::KeepMask:
        if constexpr (fp) return unary_loop<T>(x, out, math::KeepMask{alpha, beta});
        break;
    }
    throw DTypeError(std::string("unary op: not defined for ") + dtype_name(x.dtype()));
  });
}

void CpuBackend::where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) {
  auto loop = cpu::make_loop<4>(out.sizes(), {&out, &cond, &a, &b});
  visit_dtype(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    cpu::run_loop<4>(loop,
                     {static_cast<char*>(out.raw_data()), static_cast<char*>(cond.raw_data()),
                      static_cast<char*>(a.raw_data()), static_cast<char*>(b.raw_data())},
                     true, [](int64_t n, std::array<char*, 4> p, std::array<int64_t, 4> s) {
                       for (int64_t i = 0; i < n; ++i)
                         *reinterpret_cast<T*>(p[0] + i * s[0]) =
                             *reinterpret_cast<const bool*>(p[1] + i * s[1])
                                 ? *reinterpret_cast<const T*>(p[2] + i * s[2])
                                 : *reinterpret_cast<const T*>(p[3] + i * s[3]);
                     });
  });
}

}  // namespace nw
