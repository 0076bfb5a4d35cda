#pragma once
// Internal to core/nn/functional: the CPU loops of the fused path (see kernel_path.h for when an
// op takes it): an NW_HD functor applied elementwise through the strided loop, multithreaded
// above the loop's grain.
#include <array>

#include "cpu/strided_loop.h"
#include "nn/functional/kernel_path.h"
#include "ops/op_util.h"

namespace nw::nn::functional::detail {

// Calls f(TypeTag<float>) or f(TypeTag<double>); only for tensors that passed use_cpu_kernel.
template <typename F>
decltype(auto) visit_float(DType t, F&& f) {
  if (t == kFloat64) return f(TypeTag<double>{});
  return f(TypeTag<float>{});
}

// out = f(x) elementwise into a new contiguous tensor; x may have any strides.
template <typename F>
Tensor cpu_map(const Tensor& x, F f) {
  Tensor out = nw::detail::new_tensor(x.sizes(), x.dtype(), x.device());
  auto loop = cpu::make_loop<2>(out.sizes(), {&out, &x});
  visit_float(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    cpu::run_loop<2>(loop, {static_cast<char*>(out.raw_data()), static_cast<char*>(x.raw_data())},
                     true, [f](int64_t n, std::array<char*, 2> p, std::array<int64_t, 2> s) {
                       T* o = reinterpret_cast<T*>(p[0]);
                       const T* a = reinterpret_cast<const T*>(p[1]);
                       if (s[0] == sizeof(T) && s[1] == sizeof(T)) {
                         for (int64_t i = 0; i < n; ++i) o[i] = f(a[i]);
                         return;
                       }
                       for (int64_t i = 0; i < n; ++i)
                         *reinterpret_cast<T*>(p[0] + i * s[0]) =
                             f(*reinterpret_cast<const T*>(p[1] + i * s[1]));
                     });
  });
  return out;
}

// out = f(a, b) elementwise; a and b have the same shape and dtype, any strides.
template <typename F>
Tensor cpu_map(const Tensor& a, const Tensor& b, F f) {
  Tensor out = nw::detail::new_tensor(a.sizes(), a.dtype(), a.device());
  auto loop = cpu::make_loop<3>(out.sizes(), {&out, &a, &b});
  visit_float(a.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    cpu::run_loop<3>(loop,
                     {static_cast<char*>(out.raw_data()), static_cast<char*>(a.raw_data()),
                      static_cast<char*>(b.raw_data())},
                     true, [f](int64_t n, std::array<char*, 3> p, std::array<int64_t, 3> s) {
                       T* o = reinterpret_cast<T*>(p[0]);
                       const T* x = reinterpret_cast<const T*>(p[1]);
                       const T* y = reinterpret_cast<const T*>(p[2]);
                       if (s[0] == sizeof(T) && s[1] == sizeof(T) && s[2] == sizeof(T)) {
                         for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], y[i]);
                         return;
                       }
                       for (int64_t i = 0; i < n; ++i)
                         *reinterpret_cast<T*>(p[0] + i * s[0]) =
                             f(*reinterpret_cast<const T*>(p[1] + i * s[1]),
                               *reinterpret_cast<const T*>(p[2] + i * s[2]));
                     });
  });
  return out;
}

}  // namespace nw::nn::functional::detail
