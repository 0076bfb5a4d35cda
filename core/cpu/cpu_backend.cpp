// Memory, copies and fills on the host.
#include "cpu/cpu_backend.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "cpu/host_allocator.h"
#include "cpu/strided_loop.h"

namespace nw {

Backend& cpu_backend() {
  static CpuBackend backend;
  return backend;
}

void* CpuBackend::allocate(size_t nbytes, int) {
  try {
    return host_allocate(nbytes);
  } catch (const std::bad_alloc&) {
    throw Error("allocate: out of host memory allocating " + std::to_string(nbytes) +
                " bytes; use a smaller batch size or free tensors you no longer need");
  }
}

void CpuBackend::deallocate(void* ptr, int) {
  host_deallocate(ptr);
}

void CpuBackend::copy(const Tensor& src, const Tensor& dst) {
  if (src.dtype() == dst.dtype() && src.is_contiguous() && dst.is_contiguous()) {
    std::memcpy(dst.raw_data(), src.raw_data(), size_t(src.numel()) * src.element_size());
    return;
  }
  auto loop = cpu::make_loop<2>(dst.sizes(), {&dst, &src});
  visit_dtype(dst.dtype(), [&](auto dtag) {
    using D = typename decltype(dtag)::type;
    visit_dtype(src.dtype(), [&](auto stag) {
      using S = typename decltype(stag)::type;
      cpu::run_loop<2>(loop,
                       {static_cast<char*>(dst.raw_data()), static_cast<char*>(src.raw_data())},
                       true, [](int64_t n, std::array<char*, 2> p, std::array<int64_t, 2> s) {
                         if (s[0] == sizeof(D) && s[1] == sizeof(S)) {
                           D* d = reinterpret_cast<D*>(p[0]);
                           const S* x = reinterpret_cast<const S*>(p[1]);
                           for (int64_t i = 0; i < n; ++i) d[i] = static_cast<D>(x[i]);
                           return;
                         }
                         for (int64_t i = 0; i < n; ++i)
                           *reinterpret_cast<D*>(p[0] + i * s[0]) =
                               static_cast<D>(*reinterpret_cast<const S*>(p[1] + i * s[1]));
                       });
    });
  });
}

void CpuBackend::fill(const Tensor& dst, double value) {
  auto loop = cpu::make_loop<1>(dst.sizes(), {&dst});
  visit_dtype(dst.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T v = static_cast<T>(value);
    cpu::run_loop<1>(loop, {static_cast<char*>(dst.raw_data())}, true,
                     [v](int64_t n, std::array<char*, 1> p, std::array<int64_t, 1> s) {
                       if (s[0] == sizeof(T)) {
                         T* d = reinterpret_cast<T*>(p[0]);
                         for (int64_t i = 0; i < n; ++i) d[i] = v;
                       } else {
                         for (int64_t i = 0; i < n; ++i) *reinterpret_cast<T*>(p[0] + i * s[0]) = v;
                       }
                     });
  });
}

}  // namespace nw
