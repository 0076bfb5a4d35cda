// Copies (device <-> device, host <-> device; any strides, dtype converted) and fills.
// Host-side strided data is staged through a contiguous host buffer, so every transfer is one
// cudaMemcpy of contiguous bytes; striding and conversion happen in a kernel on the device.
#include <cstring>

#include "cuda_backend.h"
#include "launch.cuh"
#include "tensor/creation.h"

namespace nw::cuda {

namespace {

template <typename D, typename S>
struct ConvertApply {
  D* dst;
  const S* src;
  __device__ void operator()(const int64_t (&o)[2]) const { dst[o[0]] = static_cast<D>(src[o[1]]); }
};

template <typename T>
struct FillApply {
  T* dst;
  T value;
  __device__ void operator()(const int64_t (&o)[1]) const { dst[o[0]] = value; }
};

// dst = src elementwise on the device both live on (the current one).
void strided_convert(const Tensor& src, const Tensor& dst) {
  visit_dtype(dst.dtype(), [&](auto dtag) {
    using D = typename decltype(dtag)::type;
    visit_dtype(src.dtype(), [&](auto stag) {
      using S = typename decltype(stag)::type;
      launch_strided<2>(dst.sizes(), {&dst.strides(), &src.strides()},
                        ConvertApply<D, S>{ptr<D>(dst), ptr<S>(src)});
    });
  });
}

size_t nbytes_of(const Tensor& t) {
  return size_t(t.numel()) * t.element_size();
}

Tensor device_empty(const Shape& sizes, DType dtype, const Device& device) {
  return empty(sizes, TensorOptions(dtype).device(device));
}

void host_to_device(const Tensor& src, const Tensor& dst) {
  DeviceGuard guard(dst.device().index());
  const Tensor host = src.contiguous();  // staging buffer when src is strided
  if (dst.is_contiguous() && dst.dtype() == src.dtype()) {
    CUDA_CHECK(cudaMemcpy(dst.raw_data(), host.raw_data(), nbytes_of(dst), cudaMemcpyHostToDevice));
    return;
  }
  Tensor staged = device_empty(dst.sizes(), src.dtype(), dst.device());
  CUDA_CHECK(
      cudaMemcpy(staged.raw_data(), host.raw_data(), nbytes_of(staged), cudaMemcpyHostToDevice));
  strided_convert(staged, dst);
}

void device_to_host(const Tensor& src, const Tensor& dst) {
  DeviceGuard guard(src.device().index());
  // Convert and make contiguous on the device, so the host receives dst's dtype in one piece.
  Tensor packed = src;
  if (!src.is_contiguous() || src.dtype() != dst.dtype()) {
    packed = device_empty(src.sizes(), dst.dtype(), src.device());
    strided_convert(src, packed);
  }
  const Tensor host = dst.is_contiguous() ? dst : empty(dst.sizes(), TensorOptions(dst.dtype()));
  CUDA_CHECK(
      cudaMemcpy(host.raw_data(), packed.raw_data(), nbytes_of(host), cudaMemcpyDeviceToHost));
  if (!host.is_same(dst)) backend_for(kCPU).copy(host, dst);
}

void device_to_device(const Tensor& src, const Tensor& dst) {
  const int sdev = src.device().index(), ddev = dst.device().index();
  if (sdev == ddev) {
    DeviceGuard guard(ddev);
    strided_convert(src, dst);
    return;
  }
  // Across devices: pack on the source device, move the bytes, unpack on the destination.
  Tensor packed = src;
  if (!src.is_contiguous()) {
    DeviceGuard guard(sdev);
    packed = device_empty(src.sizes(), src.dtype(), src.device());
    strided_convert(src, packed);
  }
  DeviceGuard guard(ddev);
  Tensor moved = dst.is_contiguous() && dst.dtype() == src.dtype()
                     ? dst
                     : device_empty(dst.sizes(), src.dtype(), dst.device());
  CUDA_CHECK(cudaMemcpyPeer(moved.raw_data(), ddev, packed.raw_data(), sdev, nbytes_of(moved)));
  if (!moved.is_same(dst)) strided_convert(moved, dst);
}

}  // namespace

void CudaBackend::copy(const Tensor& src, const Tensor& dst) {
  if (dst.numel() == 0) return;
  const bool src_on_device = src.device().is_cuda(), dst_on_device = dst.device().is_cuda();
  if (src.dtype() == dst.dtype() && src.is_contiguous() && dst.is_contiguous() &&
      !(src_on_device && dst_on_device && src.device() != dst.device())) {
    DeviceGuard guard(dst_on_device ? dst.device().index() : src.device().index());
    const cudaMemcpyKind kind = !src_on_device   ? cudaMemcpyHostToDevice
                                : !dst_on_device ? cudaMemcpyDeviceToHost
                                                 : cudaMemcpyDeviceToDevice;
    CUDA_CHECK(cudaMemcpy(dst.raw_data(), src.raw_data(), nbytes_of(dst), kind));
    return;
  }
  if (!src_on_device) return host_to_device(src, dst);
  if (!dst_on_device) return device_to_host(src, dst);
  device_to_device(src, dst);
}

void CudaBackend::fill(const Tensor& dst, double value) {
  if (dst.numel() == 0) return;
  DeviceGuard guard(dst.device().index());
  visit_dtype(dst.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T v = static_cast<T>(value);
    // All-zero bytes (0, false, +0.0) of a contiguous tensor: one memset.
    const T zero{};
    if (dst.is_contiguous() && std::memcmp(&v, &zero, sizeof(T)) == 0) {
      CUDA_CHECK(cudaMemset(dst.raw_data(), 0, nbytes_of(dst)));
      return;
    }
    launch_strided<1>(dst.sizes(), {&dst.strides()}, FillApply<T>{ptr<T>(dst), v});
  });
}

}  // namespace nw::cuda
