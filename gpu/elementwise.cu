// Unary, binary and where kernels: the generic strided kernel with one functor per op. The
// scalar math is the CPU backend's: the shared functors of backend/elementwise_math.h and
// backend/activation_math.h where they exist, and the same expressions as
// core/cpu/cpu_elementwise.cpp otherwise.
#include <cmath>
#include <string>
#include <type_traits>

#include "backend/activation_math.h"
#include "backend/elementwise_math.h"
#include "cuda_backend.h"
#include "launch.cuh"

namespace nw::cuda {

namespace {

// ---- applying a scalar op at each element's offsets

template <typename T, typename Op>
struct UnaryApply {
  T* out;
  const T* x;
  Op op;
  __device__ void operator()(const int64_t (&o)[2]) const { out[o[0]] = op(x[o[1]]); }
};

template <typename O, typename T, typename Op>
struct BinaryApply {
  O* out;
  const T* a;
  const T* b;
  Op op;
  __device__ void operator()(const int64_t (&o)[3]) const { out[o[0]] = op(a[o[1]], b[o[2]]); }
};

template <typename T>
struct WhereApply {
  T* out;
  const bool* cond;
  const T* a;
  const T* b;
  __device__ void operator()(const int64_t (&o)[4]) const {
    out[o[0]] = cond[o[1]] ? a[o[2]] : b[o[3]];
  }
};

// ---- unary ops

// Transcendentals of integers go through double, as std::exp(int) does on the host.
template <typename T>
using Real = std::conditional_t<std::is_floating_point_v<T>, T, double>;

template <typename T>
struct Neg {
  __device__ T operator()(T v) const { return T(-v); }
};
template <typename T>
struct Abs {
  __device__ T operator()(T v) const {
    if constexpr (std::is_unsigned_v<T>)
      return v;  // uint8 and bool
    else
      return v < T(0) ? T(-v) : v;
  }
};
template <typename T>
struct Exp {
  __device__ T operator()(T v) const { return T(std::exp(Real<T>(v))); }
};
template <typename T>
struct Log {
  __device__ T operator()(T v) const { return T(std::log(Real<T>(v))); }
};
template <typename T>
struct Sqrt {
  __device__ T operator()(T v) const { return T(std::sqrt(Real<T>(v))); }
};
template <typename T>
struct Sigmoid {
  __device__ T operator()(T v) const { return math::sigmoid(v); }
};
template <typename T>
struct Tanh {
  __device__ T operator()(T v) const { return std::tanh(v); }
};
template <typename T>
struct Sign {
  __device__ T operator()(T v) const {
    if constexpr (std::is_unsigned_v<T>)
      return T(T(0) < v);
    else
      return T((T(0) < v) - (v < T(0)));
  }
};
template <typename T>
struct PowScalar {
  double e;
  __device__ T operator()(T v) const { return math::pow_scalar(v, e); }
};
template <typename T>
struct Clamp {
  double lo, hi;  // NaN compares false both ways and passes through, as torch.clamp does
  __device__ T operator()(T v) const {
    const double d = double(v);
    return d < lo ? T(lo) : (d > hi ? T(hi) : v);
  }
};
template <typename T>
struct Affine {
  T alpha, beta;
  __device__ T operator()(T v) const { return T(alpha * v + beta); }
};
template <typename T>
struct Not {
  __device__ T operator()(T v) const { return T(!v); }
};

// ---- binary ops

template <typename T>
struct Add {
  __device__ T operator()(T x, T y) const { return T(x + y); }
};
template <typename T>
struct Sub {
  __device__ T operator()(T x, T y) const { return T(x - y); }
};
template <typename T>
struct Mul {
  __device__ T operator()(T x, T y) const { return T(x * y); }
};
template <typename T>
struct Div {
  __device__ T operator()(T x, T y) const { return T(x / y); }
};
template <typename T>
struct AddScaled {
  T alpha;
  __device__ T operator()(T x, T y) const { return T(x + alpha * y); }
};
template <typename T>
struct Pow {
  __device__ T operator()(T x, T y) const { return math::pow_value(x, y); }
};
template <typename T>
struct Maximum {
  __device__ T operator()(T x, T y) const { return math::max_nan(x, y); }
};
template <typename T>
struct Minimum {
  __device__ T operator()(T x, T y) const { return math::min_nan(x, y); }
};
template <typename T>
struct Eq {
  __device__ bool operator()(T x, T y) const { return x == y; }
};
template <typename T>
struct Ne {
  __device__ bool operator()(T x, T y) const { return x != y; }
};
template <typename T>
struct Lt {
  __device__ bool operator()(T x, T y) const { return x < y; }
};
template <typename T>
struct Le {
  __device__ bool operator()(T x, T y) const { return x <= y; }
};
template <typename T>
struct Gt {
  __device__ bool operator()(T x, T y) const { return x > y; }
};
template <typename T>
struct Ge {
  __device__ bool operator()(T x, T y) const { return x >= y; }
};

// ---- launching

template <typename T, typename Op>
void run_unary(const Tensor& x, const Tensor& out, Op op) {
  launch_strided<2>(out.sizes(), {&out.strides(), &x.strides()},
                    UnaryApply<T, Op>{ptr<T>(out), ptr<T>(x), op});
}

template <typename O, typename T, typename Op>
void run_binary(const Tensor& a, const Tensor& b, const Tensor& out, Op op) {
  launch_strided<3>(out.sizes(), {&out.strides(), &a.strides(), &b.strides()},
                    BinaryApply<O, T, Op>{ptr<O>(out), ptr<T>(a), ptr<T>(b), op});
}

template <typename T>
void unary_typed(UnaryOp op, const Tensor& x, const Tensor& out, double alpha, double beta) {
  constexpr bool fp = std::is_floating_point_v<T>;
  switch (op) {
    case UnaryOp::Neg:
      return run_unary<T>(x, out, Neg<T>{});
    case UnaryOp::Abs:
      return run_unary<T>(x, out, Abs<T>{});
    case UnaryOp::Exp:
      return run_unary<T>(x, out, Exp<T>{});
    case UnaryOp::Log:
      return run_unary<T>(x, out, Log<T>{});
    case UnaryOp::Sqrt:
      return run_unary<T>(x, out, Sqrt<T>{});
    case UnaryOp::Relu:
      return run_unary<T>(x, out, math::Relu{});
    case UnaryOp::ReluMask:
      return run_unary<T>(x, out, math::ReluMask{});
    case UnaryOp::Sigmoid:
      if constexpr (fp) return run_unary<T>(x, out, Sigmoid<T>{});
      break;
    case UnaryOp::Tanh:
      if constexpr (fp) return run_unary<T>(x, out, Tanh<T>{});
      break;
    case UnaryOp::Sign:
      return run_unary<T>(x, out, Sign<T>{});
    case UnaryOp::Pow:
      return run_unary<T>(x, out, PowScalar<T>{alpha});
    case UnaryOp::Clamp:
      return run_unary<T>(x, out, Clamp<T>{alpha, beta});
    case UnaryOp::Affine:
      return run_unary<T>(x, out, Affine<T>{T(alpha), T(beta)});
    case UnaryOp::Not:
      return run_unary<T>(x, out, Not<T>{});
    case UnaryOp::LeakyRelu:
      if constexpr (fp) return run_unary<T>(x, out, math::LeakyRelu{alpha});
      break;
    case UnaryOp::Elu:
      if constexpr (fp) return run_unary<T>(x, out, math::Elu{alpha});
      break;
    case UnaryOp::Gelu:
      if constexpr (fp) return run_unary<T>(x, out, math::Gelu{});
      break;
    case UnaryOp::GeluTanh:
      if constexpr (fp) return run_unary<T>(x, out, math::GeluTanh{});
      break;
    case UnaryOp::Silu:
      if constexpr (fp) return run_unary<T>(x, out, math::Silu{});
      break;
    case UnaryOp::KeepMask:
      if constexpr (fp) return run_unary<T>(x, out, math::KeepMask{alpha, beta});
      break;
  }
  throw DTypeError(std::string("unary op: not defined for ") + dtype_name(x.dtype()));
}

template <typename T>
void binary_typed(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out, double alpha) {
  constexpr bool fp = std::is_floating_point_v<T>;
  switch (op) {
    case BinaryOp::Add:
      return run_binary<T, T>(a, b, out, Add<T>{});
    case BinaryOp::Sub:
      return run_binary<T, T>(a, b, out, Sub<T>{});
    case BinaryOp::Mul:
      return run_binary<T, T>(a, b, out, Mul<T>{});
    case BinaryOp::Div:
      return run_binary<T, T>(a, b, out, Div<T>{});
    case BinaryOp::AddScaled:
      return run_binary<T, T>(a, b, out, AddScaled<T>{static_cast<T>(alpha)});
    case BinaryOp::Pow:
      return run_binary<T, T>(a, b, out, Pow<T>{});
    case BinaryOp::Maximum:
      return run_binary<T, T>(a, b, out, Maximum<T>{});
    case BinaryOp::Minimum:
      return run_binary<T, T>(a, b, out, Minimum<T>{});
    case BinaryOp::Eq:
      return run_binary<bool, T>(a, b, out, Eq<T>{});
    case BinaryOp::Ne:
      return run_binary<bool, T>(a, b, out, Ne<T>{});
    case BinaryOp::Lt:
      return run_binary<bool, T>(a, b, out, Lt<T>{});
    case BinaryOp::Le:
      return run_binary<bool, T>(a, b, out, Le<T>{});
    case BinaryOp::Gt:
      return run_binary<bool, T>(a, b, out, Gt<T>{});
    case BinaryOp::Ge:
      return run_binary<bool, T>(a, b, out, Ge<T>{});
    case BinaryOp::LeakyReluBackward:
      if constexpr (fp) return run_binary<T, T>(a, b, out, math::LeakyReluBackward{alpha});
      break;
    case BinaryOp::EluBackward:
      if constexpr (fp) return run_binary<T, T>(a, b, out, math::EluBackward{alpha});
      break;
    case BinaryOp::GeluBackward:
      if constexpr (fp) return run_binary<T, T>(a, b, out, math::GeluBackward{});
      break;
    case BinaryOp::GeluTanhBackward:
      if constexpr (fp) return run_binary<T, T>(a, b, out, math::GeluTanhBackward{});
      break;
    case BinaryOp::SiluBackward:
      if constexpr (fp) return run_binary<T, T>(a, b, out, math::SiluBackward{});
      break;
  }
  throw DTypeError(std::string("binary op: not defined for ") + dtype_name(a.dtype()));
}

}  // namespace

void CudaBackend::unary(UnaryOp op, const Tensor& x, const Tensor& out, double alpha, double beta) {
  DeviceGuard guard(out.device().index());
  visit_dtype(x.dtype(), [&](auto tag) {
    unary_typed<typename decltype(tag)::type>(op, x, out, alpha, beta);
  });
}

void CudaBackend::binary(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& out,
                         double alpha) {
  DeviceGuard guard(out.device().index());
  visit_dtype(a.dtype(),
              [&](auto tag) { binary_typed<typename decltype(tag)::type>(op, a, b, out, alpha); });
}

void CudaBackend::where(const Tensor& cond, const Tensor& a, const Tensor& b, const Tensor& out) {
  DeviceGuard guard(out.device().index());
  visit_dtype(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch_strided<4>(out.sizes(), {&out.strides(), &cond.strides(), &a.strides(), &b.strides()},
                      WhereApply<T>{ptr<T>(out), ptr<bool>(cond), ptr<T>(a), ptr<T>(b)});
  });
}

}  // namespace nw::cuda
