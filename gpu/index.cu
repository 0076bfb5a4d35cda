// gather, scatter_add and index_select. Indices are int64 and already bounds-checked by the ops.
// Each kernel walks one shape with several operands; the indexed operand gets stride 0 on the
// indexed dimension and adds index * stride itself.
#include <type_traits>

#include "cuda_backend.h"
#include "launch.cuh"

namespace nw::cuda {

namespace {

// Adds v to *p atomically. float/double/int64 map to hardware atomics; one-byte types (uint8,
// bool) update their byte inside the aligned 32-bit word with compare-and-swap.
template <typename T>
__device__ void atomic_add(T* p, T v) {
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
    atomicAdd(p, v);
  } else if constexpr (std::is_same_v<T, int64_t>) {
    // Two's complement: unsigned wrap-around addition is signed addition.
    atomicAdd(reinterpret_cast<unsigned long long*>(p), static_cast<unsigned long long>(v));
  } else {
    static_assert(sizeof(T) == 1, "atomic_add: unexpected element type");
    const size_t addr = reinterpret_cast<size_t>(p);
    unsigned int* word = reinterpret_cast<unsigned int*>(addr & ~size_t(3));
    const unsigned int shift = unsigned(addr & 3) * 8;
    unsigned int old = *word, assumed;
    do {
      assumed = old;
      T cur;
      const unsigned char byte = (assumed >> shift) & 0xffu;
      memcpy(&cur, &byte, 1);
      const T sum = T(cur + v);  // the CPU's `+=` on the element type
      unsigned char out;
      memcpy(&out, &sum, 1);
      const unsigned int next = (assumed & ~(0xffu << shift)) | (unsigned(out) << shift);
      old = atomicCAS(word, assumed, next);
    } while (old != assumed);
  }
}

// out = x picked along dim by index. Operands: 0 out, 1 index, 2 x (stride 0 on dim).
template <typename T>
struct PickApply {
  T* out;
  const int64_t* index;
  const T* x;
  int64_t x_dim_stride;
  __device__ void operator()(const int64_t (&o)[3]) const {
    out[o[0]] = x[o[2] + index[o[1]] * x_dim_stride];
  }
};

// Operands: 0 src, 1 index, 2 out (stride 0 on dim).
template <typename T>
struct ScatterAddApply {
  T* out;
  const int64_t* index;
  const T* src;
  int64_t out_dim_stride;
  __device__ void operator()(const int64_t (&o)[3]) const {
    atomic_add(out + o[2] + index[o[1]] * out_dim_stride, src[o[0]]);
  }
};

// A 0-d tensor has no dim to index; it then steps by 0 (its one element is index 0).
int64_t stride_at(const Tensor& t, int64_t dim) {
  return size_t(dim) < t.strides().size() ? t.strides()[size_t(dim)] : 0;
}

Shape without_dim(const Shape& strides, int64_t dim) {
  Shape s = strides;
  if (size_t(dim) < s.size()) s[size_t(dim)] = 0;
  return s;
}

// NOTE: the ops do not check that index and src share out's device. A kernel that dereferenced a
// host pointer would fault and leave the CUDA context unusable, so strays are moved instead.
Tensor on_device_of(const Tensor& t, const Tensor& like) {
  return t.device() == like.device() ? t : t.to(like.device());
}

}  // namespace

void CudaBackend::gather(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& out) {
  DeviceGuard guard(out.device().index());
  const Tensor idx = on_device_of(index, out), xd = on_device_of(x, out);
  const Shape xs = without_dim(xd.strides(), dim);
  visit_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch_strided<3>(idx.sizes(), {&out.strides(), &idx.strides(), &xs},
                      PickApply<T>{ptr<T>(out), ptr<int64_t>(idx), ptr<T>(xd), stride_at(xd, dim)});
  });
}

void CudaBackend::scatter_add(const Tensor& out, int64_t dim, const Tensor& index,
                              const Tensor& src) {
  DeviceGuard guard(out.device().index());
  const Tensor idx = on_device_of(index, out), sd = on_device_of(src, out);
  const Shape os = without_dim(out.strides(), dim);
  visit_dtype(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch_strided<3>(
        idx.sizes(), {&sd.strides(), &idx.strides(), &os},
        ScatterAddApply<T>{ptr<T>(out), ptr<int64_t>(idx), ptr<T>(sd), stride_at(out, dim)});
  });
}

void CudaBackend::index_select(const Tensor& x, int64_t dim, const Tensor& index,
                               const Tensor& out) {
  DeviceGuard guard(out.device().index());
  const Tensor idx = on_device_of(index, out), xd = on_device_of(x, out);
  const Shape xs = without_dim(xd.strides(), dim);
  // The index operand steps along dim only: out's position on dim picks the index entry.
  Shape is(out.sizes().size(), 0);
  if (size_t(dim) < is.size()) is[size_t(dim)] = idx.dim() ? idx.stride(0) : 0;
  visit_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch_strided<3>(out.sizes(), {&out.strides(), &is, &xs},
                      PickApply<T>{ptr<T>(out), ptr<int64_t>(idx), ptr<T>(xd), stride_at(xd, dim)});
  });
}

}  // namespace nw::cuda
